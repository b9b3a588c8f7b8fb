INSERT INTO country (country, last_update) VALUES ('Devland', '2020-01-01'), ('Testonia', '2020-01-01');
INSERT INTO city (city, country_id, last_update) VALUES ('Dev City', 1, '2020-01-01'), ('Test Town', 2, '2020-01-01');
INSERT INTO address (address, district, city_id, phone, last_update)
    SELECT 'dev ' || g, 'dev', 1 + g % 2, '000', '2020-01-01' FROM generate_series(1, 5) g;
INSERT INTO language (name, last_update) VALUES ('Klingon', '2020-01-01');
INSERT INTO category (name, last_update) VALUES ('Dev', '2020-01-01');
INSERT INTO actor (first_name, last_name, last_update) VALUES ('DEV', 'ACTOR', '2020-01-01');
INSERT INTO film (title, language_id, rating, special_features, last_update)
    VALUES ('DEV FILM', 1, 'NC-17', '{Trailers}', '2020-01-01'), ('OTHER DEV FILM', 1, NULL, NULL, '2020-01-01');
INSERT INTO film_actor VALUES (1, 2, '2020-01-01');
INSERT INTO film_category VALUES (1, 1, '2020-01-01');
