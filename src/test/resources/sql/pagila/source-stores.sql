INSERT INTO store (manager_staff_id, address_id, last_update)
    SELECT g, g, timestamp '2006-02-15 09:57:12' FROM generate_series(1, 3) g;
INSERT INTO staff (first_name, last_name, address_id, email, store_id, active, username, password,
                   last_update, picture)
    SELECT (ARRAY['Mike', 'Jon', 'Anna', 'Lena', 'Paul', 'Rita'])[g], 'Staff' || g, 3 + g,
           CASE WHEN g <> 5 THEN 'staff' || g || '@sakilastaff.com' END, 1 + (g - 1) % 3, g <> 6,
           'user' || g, CASE WHEN g % 2 = 1 THEN md5('secret' || g) END,
           timestamp '2006-02-15 04:57:16',
           CASE WHEN g % 2 = 0 THEN decode('89504e470d0a1a0a00' || lpad(to_hex(g), 4, '0'), 'hex') END
    FROM generate_series(1, 6) g;
