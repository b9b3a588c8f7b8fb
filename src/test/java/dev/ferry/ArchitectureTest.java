package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of README's "Layout": packages by pipeline stage, no cycle between them, the command line
 * and the service at the top. Checked on the compiled main classes, without a database.
 */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void load() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.ferry");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("dev.ferry.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void onlyTheEntryRefersToTheCommandLine() {
        noClasses().that().resideOutsideOfPackages("dev.ferry", "dev.ferry.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.ferry.cli..").check(main);
    }

    @Test
    void onlyTheCommandLineAndTheEntryReferToTheService() {
        noClasses().that().resideOutsideOfPackages("dev.ferry", "dev.ferry.cli..", "dev.ferry.ops..")
                .should().dependOnClassesThat().resideInAPackage("dev.ferry.ops..").check(main);
    }

    @Test
    void theRootPackageIsOnlyTheEntry() {
        noClasses().that().resideOutsideOfPackage("dev.ferry")
                .should().dependOnClassesThat().resideInAPackage("dev.ferry").check(main);
    }

    @Test
    void smallFilesInSmallPackages() throws IOException {
        Path main = Path.of("src/main/java/dev/ferry");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(main)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        Map<String, Long> tooLong = new TreeMap<>();
        for (Path f : files) {
            long lines;
            try (Stream<String> l = Files.lines(f)) {
                lines = l.count();
            }
            if (lines > 450) {
                tooLong.put(main.relativize(f).toString(), lines);
            }
        }
        assertEquals(Map.of(), tooLong, "main files over 450 lines");
        Map<String, Long> perPackage = files.stream().collect(Collectors.groupingBy(
                f -> main.relativize(f.getParent()).toString(), TreeMap::new, Collectors.counting()));
        perPackage.values().removeIf(n -> n <= 15);
        assertEquals(Map.of(), perPackage, "main packages over 15 files");
    }
}
