INSERT INTO customer (store_id, first_name, last_name, address_id, create_date, last_update)
    VALUES (1, 'DEV', 'CUSTOMER', 2, '2020-01-01', '2020-01-01');
INSERT INTO customer (customer_id, store_id, first_name, last_name, address_id, create_date, last_update)
    VALUES (9000, 1, 'FAR', 'AWAY', 3, '2020-01-01', '2020-01-01');
INSERT INTO inventory (film_id, store_id, last_update) VALUES (1, 1, '2020-01-01'), (2, 1, '2020-01-01');
INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id, last_update)
    VALUES ('2007-02-01', 1, 1, 1, '2020-01-01'), ('2007-07-15', 2, 9000, 1, '2020-01-01');
-- one into payment_p2007_02 by the rule, one kept by payment
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
    VALUES (1, 1, 1, 1.00, '2007-02-01 10:00'), (9000, 1, 2, 2.00, '2007-07-15 10:00');
INSERT INTO rental_log (logged_on, rental_id, event) VALUES ('2007-02-01', 1, 'dev'), ('2007-07-15', 2, 'dev');
