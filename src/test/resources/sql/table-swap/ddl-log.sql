-- Every DDL command run in the database, with its transaction: shows which indexes Ferry built where, and when
CREATE TABLE public.ddl_log (id serial PRIMARY KEY, tag text, identity text, xid xid8 DEFAULT pg_current_xact_id());
CREATE FUNCTION public.log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.ddl_log (tag, identity) SELECT command_tag, object_identity FROM pg_event_trigger_ddl_commands();
END $$;
CREATE EVENT TRIGGER ferry_test_log_ddl ON ddl_command_end EXECUTE FUNCTION public.log_ddl();
