# `cmake --install`: the public headers, the static libraries, the gander
# CLI, a CMake package (find_package(gander) gives gander::gander,
# gander::runner, gander::parser, gander::checksum and
# gander_embed_migrations()) and gander.pc for pkg-config.

include(CMakePackageConfigHelpers)

set(gander_package_dir "${CMAKE_INSTALL_LIBDIR}/cmake/gander")

# The source tree's include folders already have the install layout.
install(DIRECTORY parser/include/ checksum/include/ runner/include/
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(TARGETS gander_parser gander_checksum gander_runner gander
  EXPORT ganderTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
if(GANDER_BUILD_TOOLS)
  install(TARGETS gander_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
endif()

install(EXPORT ganderTargets NAMESPACE gander:: DESTINATION "${gander_package_dir}")

configure_package_config_file(cmake/ganderConfig.cmake.in "${PROJECT_BINARY_DIR}/ganderConfig.cmake"
  INSTALL_DESTINATION "${gander_package_dir}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ganderConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/ganderConfig.cmake"
    "${PROJECT_BINARY_DIR}/ganderConfigVersion.cmake"
    cmake/GanderEmbed.cmake
    cmake/GanderEmbedGenerator.cmake
  DESTINATION "${gander_package_dir}")

# gander.pc finds its prefix from its own location (pkg-config's
# ${pcfiledir}), so a tree installed with `cmake --install --prefix` or
# moved elsewhere still works; absolute GNUInstallDirs paths are kept as given.
set(gander_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${gander_pc_dir}")
  set(gander_pc_prefix "${CMAKE_INSTALL_PREFIX}")
else()
  string(REGEX REPLACE "[^/]+" ".." gander_pc_prefix_from_pc_dir "${gander_pc_dir}")
  set(gander_pc_prefix "\${pcfiledir}/${gander_pc_prefix_from_pc_dir}")
endif()
foreach(dir IN ITEMS LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(gander_pc_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(gander_pc_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
configure_file(cmake/gander.pc.in "${PROJECT_BINARY_DIR}/gander.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/gander.pc" DESTINATION "${gander_pc_dir}")
