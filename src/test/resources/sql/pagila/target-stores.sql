INSERT INTO store (manager_staff_id, address_id, last_update) VALUES (1, 1, '2020-01-01');
INSERT INTO staff (first_name, last_name, address_id, store_id, username, last_update)
    VALUES ('Dev', 'Eloper', 1, 1, 'dev', '2020-01-01');
