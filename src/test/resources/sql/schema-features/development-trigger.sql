CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN NEW.last_update := now(); RETURN NEW; END $$;
CREATE TRIGGER every_type_stamp BEFORE INSERT OR UPDATE ON every_type FOR EACH ROW EXECUTE FUNCTION stamp();
