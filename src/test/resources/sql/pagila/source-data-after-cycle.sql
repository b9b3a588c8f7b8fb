INSERT INTO customer (store_id, first_name, last_name, email, address_id, activebool, create_date, last_update,
                      active)
    SELECT 1 + g % 3, (ARRAY['MARY', 'PATRICIA', 'LINDA', 'BARBARA', 'ELIZABETH', 'JENNIFER'])[1 + g % 6],
           (ARRAY['SMITH', 'JOHNSON', 'WILLIAMS', 'JONES', 'BROWN'])[1 + g % 5] || g,
           CASE WHEN g % 13 <> 0 THEN 'customer' || g || '@sakilacustomer.org' END, 10 + g, g % 17 <> 0,
           date '2006-02-14' + g % 30,
           CASE WHEN g % 8 <> 0 THEN timestamp '2006-02-15 09:57:20' + g * interval '1 second' END,
           CASE WHEN g % 17 = 0 THEN 0 WHEN g % 19 = 0 THEN NULL ELSE 1 END
    FROM generate_series(1, 600) g;
INSERT INTO inventory (film_id, store_id, last_update)
    SELECT 1 + g % 1000, 1 + g % 3, timestamp '2006-02-15 10:09:17' FROM generate_series(1, 4000) g;
-- from 2007-01-01 to the end of August
INSERT INTO rental (rental_date, inventory_id, customer_id, return_date, staff_id, last_update)
    SELECT d, 1 + (g * 7) % 4000, 1 + g % 600, CASE WHEN g % 20 <> 0 THEN d + (1 + g % 9) * interval '1 day' END,
           1 + g % 6, timestamp '2007-09-01 00:00:00' + g * interval '1 second'
    FROM generate_series(1, 6000) g, LATERAL (SELECT timestamp '2007-01-01 08:00' + g * interval '58 minutes' AS d) x;
-- the sample's rules move January to June into payment_p2007_01..06 (new ids); July and August stay in payment
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
    SELECT customer_id, staff_id, rental_id, (ARRAY[0.99, 2.99, 4.99, 5.98, 10.99])[1 + rental_id % 5],
           rental_date + interval '2 hours'
    FROM rental WHERE rental_id % 6 <> 0 ORDER BY rental_id;
INSERT INTO rental_log (logged_on, rental_id, event, note)
    SELECT rental_date::date, rental_id, 'rented', CASE WHEN rental_id % 3 = 0 THEN 'by phone' END
    FROM rental ORDER BY rental_id;
INSERT INTO rental_log (logged_on, rental_id, event, note)
    SELECT return_date::date, rental_id, 'returned', NULL FROM rental WHERE return_date IS NOT NULL ORDER BY rental_id;
