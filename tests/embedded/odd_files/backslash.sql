SELECT 'back\slash';
