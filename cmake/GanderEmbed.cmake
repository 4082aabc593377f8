# gander_embed_migrations(<target> <dir> [FUNCTION <qualified::name>])
#
# Compiles every *.sql file directly inside <dir>, every goose Go migration
# (<version>_<name>.go: gander lists them and stops before a pending one,
# never runs them), and its gander.amend (the reviewed amendments) when there
# is one, into <target>: a source
# generated at build time holds each file's bytes exactly and defines
#
#   std::shared_ptr<const gander::MigrationSource> <qualified::name>();
#
# which returns gander::open_embedded_source() over them. FUNCTION defaults to
# gander::embedded_migrations, declared in <gander/embedded_source.hpp>; give
# other names (e.g. myapp::postgres_migrations) to embed several directories
# in one target, and declare them yourself. A relative <dir> is relative to
# CMAKE_CURRENT_SOURCE_DIR. Call it in the directory that creates <target>,
# which must link gander::gander (or gander::runner).
#
# Editing, adding or deleting a migration regenerates the source on the next
# build: the generation depends on every file, and on a list of their names
# that configure rewrites only when the set of names changes (the build
# re-runs configure when the directory changes).

include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "gander_embed_migrations needs CMake 3.20 or newer")
endif()

function(gander_embed_migrations target dir)
  # The generator lies next to this file, in the source tree and in an
  # installed package alike. CMAKE_CURRENT_FUNCTION_LIST_DIR is this file's
  # directory wherever the function is called from; a variable set at
  # include time would be missing in a directory that did not include it.
  set(generator "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/GanderEmbedGenerator.cmake")
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "FUNCTION" "")
  if(arg_UNPARSED_ARGUMENTS OR arg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "gander_embed_migrations: usage: gander_embed_migrations(<target> <dir> [FUNCTION <name>])")
  endif()
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "gander_embed_migrations: '${target}' is not a target")
  endif()
  get_target_property(target_source_dir "${target}" SOURCE_DIR)
  if(NOT target_source_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    # A custom command's output only gets a build rule in its own directory.
    message(FATAL_ERROR "gander_embed_migrations: call it in ${target_source_dir}, where '${target}' is created")
  endif()

  set(function_name "gander::embedded_migrations")
  if(DEFINED arg_FUNCTION)
    set(function_name "${arg_FUNCTION}")
  endif()
  if(NOT function_name MATCHES "^(::)?([A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "gander_embed_migrations: FUNCTION '${function_name}' is not a C++ qualified name")
  endif()

  cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE OUTPUT_VARIABLE migrations_dir)
  string(REGEX REPLACE "(.)/+$" "\\1" migrations_dir "${migrations_dir}")
  if(NOT IS_DIRECTORY "${migrations_dir}")
    message(FATAL_ERROR "gander_embed_migrations: '${migrations_dir}' is not a directory")
  endif()

  # Adding, deleting or renaming a file changes the directory's modification
  # time, which re-runs configure. A CONFIGURE_DEPENDS glob would do the same
  # only for plain names: CMake writes its check script without escaping, so
  # a name with a quote or a backslash re-runs configure on every build.
  file(GLOB migration_files LIST_DIRECTORIES false "${migrations_dir}/*.sql" "${migrations_dir}/[0-9]*.go"
       "${migrations_dir}/gander.amend")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${migrations_dir}")
  string(REGEX REPLACE "^::" "" file_stem "${function_name}")
  string(REPLACE "::" "__" file_stem "${file_stem}")
  get_target_property(target_binary_dir "${target}" BINARY_DIR)
  set(generated_dir "${target_binary_dir}/gander_embed/${target}")
  set(generated_source "${generated_dir}/${file_stem}.cpp")
  set(name_list "${generated_dir}/${file_stem}.files")

  # The list changes only when a file is added or deleted, and its newer
  # timestamp then reruns the generator even where the remaining files are
  # all older than the last generated source.
  set(migration_names "${migrations_dir}\n")
  foreach(file IN LISTS migration_files)
    cmake_path(GET file FILENAME name)
    string(APPEND migration_names "${name}\n")
  endforeach()
  file(CONFIGURE OUTPUT "${name_list}" CONTENT "@migration_names@" @ONLY)

  # DEPENDS turns a backslash into a slash, so a file whose path holds one is
  # depended on through a symbolic link with a plain name; make and ninja
  # follow the link to the file's own modification time.
  set(dependencies "")
  set(links_dir "${generated_dir}/${file_stem}.links")
  file(REMOVE_RECURSE "${links_dir}")
  foreach(file IN LISTS migration_files)
    if(file MATCHES "\\\\")
      string(MD5 link_name "${file}")
      file(MAKE_DIRECTORY "${links_dir}")
      file(CREATE_LINK "${file}" "${links_dir}/${link_name}.sql" SYMBOLIC)
      list(APPEND dependencies "${links_dir}/${link_name}.sql")
    else()
      list(APPEND dependencies "${file}")
    endif()
  endforeach()

  add_custom_command(
    OUTPUT "${generated_source}"
    COMMAND "${CMAKE_COMMAND}"
            "-DGANDER_EMBED_DIR=${migrations_dir}"
            "-DGANDER_EMBED_FUNCTION=${function_name}"
            "-DGANDER_EMBED_OUTPUT=${generated_source}"
            -P "${generator}"
    DEPENDS ${dependencies} "${name_list}" "${generator}"
    COMMENT "Embedding the migrations of ${migrations_dir} as ${function_name}()"
    VERBATIM)
  target_sources("${target}" PRIVATE "${generated_source}")
endfunction()
