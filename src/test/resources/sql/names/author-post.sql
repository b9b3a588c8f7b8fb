CREATE TABLE "Author" (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int NOT NULL REFERENCES "Author" (id), title text);
