-- customer 7 leaves with their rentals, payments (in the children) and log; the target still references them
DELETE FROM rental_log WHERE rental_id IN (SELECT rental_id FROM rental WHERE customer_id = 7);
DELETE FROM payment WHERE customer_id = 7;
DELETE FROM rental WHERE customer_id = 7;
DELETE FROM customer WHERE customer_id = 7;
-- an actor retires
DELETE FROM film_actor WHERE actor_id = 3;
DELETE FROM actor WHERE actor_id = 3;
-- new titles: the trigger rewrites fulltext, title_length follows; the cycle re-pointed; amounts in children
UPDATE film SET title = title || ' REMASTERED',
                special_features = array_append(coalesce(special_features, '{}'), 'Remastered')
    WHERE film_id % 50 = 0;
UPDATE store SET manager_staff_id = 4 WHERE store_id = 1;
UPDATE payment SET amount = amount + 1 WHERE payment_id % 10 = 0;
-- log rows moved to the other partition
UPDATE rental_log SET logged_on = logged_on + 100 WHERE log_id % 97 = 0 AND logged_on < '2007-07-01';
-- a new film rented in March (paid into payment_p2007_03) and in August (paid into payment itself)
INSERT INTO film (title, description, release_year, language_id, rental_duration, rental_rate, replacement_cost,
                  rating, special_features)
    VALUES ('FERRY TALE', 'A boat that carries tables across the water', 2024, 2, 5, 1.99, 15.99, 'PG-13',
            ARRAY['Trailers', 'Commentaries', 'Deleted Scenes']);
INSERT INTO inventory (film_id, store_id) SELECT max(film_id), 2 FROM film;
INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
    SELECT d, (SELECT max(inventory_id) FROM inventory), 8, 2
    FROM unnest(ARRAY[timestamp '2007-03-15 12:00', timestamp '2007-08-20 12:00']) d;
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
    SELECT customer_id, staff_id, rental_id, 1.99, rental_date + interval '1 hour'
    FROM rental WHERE inventory_id = (SELECT max(inventory_id) FROM inventory);
INSERT INTO rental_log (logged_on, rental_id, event)
    SELECT rental_date::date, rental_id, 'rented' FROM rental
    WHERE inventory_id = (SELECT max(inventory_id) FROM inventory);
INSERT INTO country (country) VALUES ('Ferryland');
