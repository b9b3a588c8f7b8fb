INSERT INTO every_type (m, d, ints, texts, j, jb, b, u, n, cash, iv, dt, ts, tstz, tsv, ip, net, r, tr,
                        f8, f4, bits, ch, vc, flag, t, pt, last_update)
VALUES ('happy', 7, '{1,NULL,3}', '{"a b","quote\"d",NULL,""}', '{ "spaced" :  [1, 2] }',
        '{"k": {"deep": [true, null, 1.50]}}', '\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        12345678901234567890.0123456789, '92233720368547758.07', '1 year 2 mons 3 days 04:05:06.789',
        '2024-02-29', 'infinity', '2026-11-22 05:04:43.123456+05:30', 'fat:2 cat:1 rat',
        '2001:db8::1/64', '10.1.0.0/16', '[3,7)', '[2026-01-01 00:00+00,2026-02-01 00:00+00)',
        1e308, 3.4e38, B'1011', 'ab', 'ünïcødé ✓', true, '23:59:59.999999', '(1.5,-2)',
        '2020-01-01 00:00+00'),
       (NULL, NULL, '{}', NULL, 'null', '"just a string"', '', NULL, 'NaN', '-0.01', '-1 day',
        '-infinity', '1999-12-31 23:59:59', '-infinity', '', '127.0.0.1', '::/0', 'empty', '(,)',
        'NaN', '-Infinity', B'', '', '', false, '00:00', NULL, '1999-01-01 00:00+00');
INSERT INTO every_type (last_update) SELECT '2021-06-01 12:00+00' FROM generate_series(1, 500);
INSERT INTO team VALUES (1, 'red', 11), (2, 'blue', 21);
INSERT INTO player VALUES (11, 1, 'ann'), (12, 1, 'ben'), (21, 2, 'cy'), (22, 2, NULL);
INSERT INTO event SELECT g, DATE '2025-06-01' + (g % 400), jsonb_build_object('g', g)
    FROM generate_series(1, 3000) g;
INSERT INTO note VALUES ('same', NULL), ('same', NULL), ('other', '2026-01-01 00:00+00');
