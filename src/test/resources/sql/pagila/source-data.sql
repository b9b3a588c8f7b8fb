INSERT INTO country (country, last_update)
    SELECT 'Country ' || g, timestamp '2006-02-15 09:44:00' + g * interval '1 minute'
    FROM generate_series(1, 109) g;
INSERT INTO city (city, country_id, last_update)
    SELECT 'City ' || g, 1 + g % 109, timestamp '2006-02-15 09:45:25' + g * interval '1 second'
    FROM generate_series(1, 600) g;
INSERT INTO address (address, address2, district, city_id, postal_code, phone, last_update)
    SELECT g || ' ' || (ARRAY['Main', 'Oak', 'Pine', 'Maple', 'Cedar'])[1 + g % 5] || ' Street',
           CASE WHEN g % 4 = 0 THEN 'Apt ' || g % 97 END, 'District ' || g % 40, 1 + g % 600,
           CASE WHEN g % 9 <> 0 THEN lpad((g * 37 % 99999)::text, 5, '0') END,
           '+1-555-' || lpad(g::text, 4, '0'), timestamp '2006-02-15 09:45:30' + g * interval '1 second'
    FROM generate_series(1, 1200) g;
INSERT INTO language (name, last_update, asdf)
    SELECT n, timestamp '2006-02-15 10:02:19', CASE WHEN o % 2 = 0 THEN o END
    FROM unnest(ARRAY['English', 'Italian', 'Japanese', 'Mandarin', 'French', 'German']) WITH ORDINALITY l (n, o);
INSERT INTO category (name, last_update)
    SELECT n, timestamp '2006-02-15 09:46:27'
    FROM unnest(ARRAY['Action', 'Animation', 'Children', 'Classics', 'Comedy', 'Documentary', 'Drama', 'Family',
                      'Foreign', 'Games', 'Horror', 'Music', 'New', 'Sci-Fi', 'Sports', 'Travel']) n;
INSERT INTO actor (first_name, last_name, last_update)
    SELECT (ARRAY['PENELOPE', 'NICK', 'ED', 'JENNIFER', 'JOHNNY', 'BETTE', 'GRACE', 'MATTHEW'])[1 + g % 8],
           (ARRAY['GUINESS', 'WAHLBERG', 'CHASE', 'DAVIS', 'LOLLOBRIGIDA', 'NICHOLSON', 'MOSTEL', 'O''REILLY',
                  'SWANK'])[1 + g % 9] || ' ' || g,
           timestamp '2006-02-15 04:34:33' + g * interval '1 second'
    FROM generate_series(1, 200) g;
-- fulltext is left to the sample's trigger; title_length is generated
INSERT INTO film (title, description, release_year, language_id, original_language_id, rental_duration,
                  rental_rate, length, replacement_cost, rating, last_update, special_features)
    SELECT upper(w1 || ' ' || w2) || ' ' || g,
           CASE WHEN g % 10 <> 0 THEN 'A ' || w1 || ' story of a ' || w2 || ' who must meet a dentist in ' || w3 END,
           CASE WHEN g % 7 <> 0 THEN 2000 + g % 10 END, 1 + g % 6, CASE WHEN g % 5 = 0 THEN 1 + (g + 1) % 6 END,
           3 + g % 5, (ARRAY[0.99, 2.99, 4.99])[1 + g % 3], CASE WHEN g % 11 <> 0 THEN 46 + g % 140 END,
           9.99 + g % 21, (enum_range(NULL::mpaa_rating))[1 + g % 5],
           timestamp '2006-02-15 05:03:42' + g * interval '1 minute',
           CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN '{}'::text[]
               ELSE (ARRAY['Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes',
                           'Director''s "Cut", extended'])[1:g % 6] END
    FROM generate_series(1, 1000) g,
         LATERAL (SELECT (ARRAY['Academy', 'Ace', 'Adaptation', 'Affair', 'African', 'Agent', 'Airplane',
                                'Alabama'])[1 + g % 8] AS w1,
                         (ARRAY['Dinosaur', 'Goldfinger', 'Holiday', 'Prejudice', 'Egg', 'Lights',
                                'Ghost'])[1 + g % 7] AS w2,
                         (ARRAY['Canada', 'a Jet Boat', 'Ancient China', 'a Shark Tank',
                                'the Gulf of Mexico'])[1 + g % 5] AS w3) w;
INSERT INTO film_actor (actor_id, film_id, last_update)
    SELECT DISTINCT 1 + (f * 7 + k * 13) % 200, f, timestamp '2006-02-15 05:05:03'
    FROM generate_series(1, 1000) f, generate_series(1, 1 + f % 8) k;
INSERT INTO film_category (film_id, category_id, last_update)
    SELECT f, 1 + (f + k * 5) % 16, timestamp '2006-02-15 05:07:09'
    FROM generate_series(1, 1000) f, generate_series(1, 1 + (f % 10 = 0)::int) k;
