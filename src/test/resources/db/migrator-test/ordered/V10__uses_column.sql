-- runs only after V2 (version 10 sorts after 2 as a number, not before it as text)
INSERT INTO mt.step (n, what, after_two) VALUES (10, 'ten', false);
