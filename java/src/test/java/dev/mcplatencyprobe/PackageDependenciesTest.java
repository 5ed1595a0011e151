package dev.mcplatencyprobe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcplatencyprobe.snapshot.Verdict;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependencies between the library's packages, as the compiled classes reference them (every
 * class, descriptor and signature in their constant pools) and as the sources import them (which
 * also catches constants the compiler inlined): no package cycle, and the data flows one way.
 */
class PackageDependenciesTest {
    /** A package's name below dev.mcplatencyprobe ("probe", "export.prometheus"), in a class file's internal form. */
    private static final Pattern CLASS_REF = Pattern.compile("dev/mcplatencyprobe/((?:[a-z0-9_]+/)*[a-z0-9_]+)/[A-Z]");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.mcplatencyprobe\\.((?:[a-z0-9_]+\\.)*[a-z0-9_]+)\\.[A-Z]");

    /**
     * kernel -> decode -> record -> snapshot -> report/export: what each early stage must not import.
     * record makes the snapshots (they are its output), so only what comes after them is listed.
     */
    private static final Map<String, List<String>> LATER_STAGES = Map.of(
            "decode", List.of("record", "snapshot", "report", "export", "compare", "cli"),
            "record", List.of("report", "export", "compare", "cli"),
            "snapshot", List.of("report", "export", "compare", "cli"));
    /** The renderers and exporters read snapshots only: nothing of the kernel side, the wire format or the recorder. */
    private static final Map<String, List<String>> EARLIER_STAGES = Map.of(
            "report", List.of("binding", "probe", "targets", "decode", "record"),
            "export", List.of("binding", "probe", "targets", "decode", "record"));

    @Test
    void packagesFormNoCycle() throws Exception {
        Map<String, Set<String>> graph = mainGraph();
        Optional<List<String>> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), () -> "package cycle: " + String.join(" -> ", cycle.get()) + " in " + graph);
    }

    @Test
    void decodeRecordAndSnapshotImportNoLaterStage() throws Exception {
        assertEquals(List.of(), forbidden(mainGraph(), LATER_STAGES), "a stage imports a later one");
    }

    @Test
    void reportAndExportImportNothingBeforeSnapshots() throws Exception {
        assertEquals(List.of(), forbidden(mainGraph(), EARLIER_STAGES), "a renderer or exporter reaches behind the snapshots");
    }

    /** The edges from a package (or one below it, "export" covers "export.prometheus") to one it must not know. */
    private static List<String> forbidden(Map<String, Set<String>> graph, Map<String, List<String>> rules) {
        List<String> wrong = new ArrayList<>();
        graph.forEach((pkg, deps) -> rules.forEach((stage, banned) -> {
            if (within(pkg, stage)) {
                deps.stream().filter(dep -> banned.stream().anyMatch(b -> within(dep, b))).forEach(dep -> wrong.add(pkg + " -> " + dep));
            }
        }));
        return wrong;
    }

    private static boolean within(String pkg, String stage) {
        return pkg.equals(stage) || pkg.startsWith(stage + ".");
    }

    /** The checker itself: it reads the edges that are there, and a cycle of three is found as one. */
    @Test
    void theCheckerSeesRealEdgesAndFindsACycle() throws Exception {
        Map<String, Set<String>> graph = mainGraph();
        assertTrue(graph.get("cli").contains("probe"), graph.toString());
        assertTrue(graph.get("record").contains("snapshot"), graph.toString());
        assertTrue(graph.get("export.prometheus").contains("snapshot"), graph.toString());
        Map<String, Set<String>> cyclic = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        List<String> cycle = findCycle(cyclic).orElseThrow();
        assertEquals(4, cycle.size(), cycle.toString());
        assertEquals(cycle.get(0), cycle.get(3), cycle.toString());
        assertTrue(findCycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "d", Set.of("a", "c"))).isEmpty());
        assertEquals(List.of("export.prometheus -> decode"),
                forbidden(Map.of("export.prometheus", Set.of("decode", "snapshot")), EARLIER_STAGES));
    }

    /** Package -> the other dev.mcplatencyprobe packages it depends on, from target/classes and src/main/java. */
    private static Map<String, Set<String>> mainGraph() throws Exception {
        Path classes = Path.of(Verdict.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(classes.resolve("dev/mcplatencyprobe")), "compiled classes at " + classes);
        Path sources = classes.getParent().getParent().resolve("src/main/java");
        assertTrue(Files.isDirectory(sources.resolve("dev/mcplatencyprobe")), "sources at " + sources);
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes.resolve("dev/mcplatencyprobe"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                Set<String> deps = graph.computeIfAbsent(packageOf(classes, f), p -> new TreeSet<>());
                for (String s : utf8Constants(Files.readAllBytes(f))) {
                    Matcher m = CLASS_REF.matcher(s);
                    while (m.find()) {
                        deps.add(m.group(1).replace('/', '.'));
                    }
                }
            }
        }
        try (Stream<Path> files = Files.walk(sources.resolve("dev/mcplatencyprobe"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Set<String> deps = graph.computeIfAbsent(packageOf(sources, f), p -> new TreeSet<>());
                for (String line : Files.readAllLines(f)) {
                    Matcher m = IMPORT.matcher(line);
                    if (m.find()) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        graph.forEach((pkg, deps) -> deps.remove(pkg));
        return graph;
    }

    private static String packageOf(Path root, Path file) {
        return root.resolve("dev/mcplatencyprobe").relativize(file.getParent()).toString().replace('/', '.');
    }

    /** The UTF-8 entries of a class file's constant pool: class names, descriptors, signatures, names. */
    private static List<String> utf8Constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        assertEquals(0xCAFEBABE, in.readInt(), "not a class file");
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> out = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> out.add(in.readUTF()); // u2 length + modified UTF-8, as readUTF expects
                case 7, 8, 16, 19, 20 -> in.skipBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> { // Long, Double take two slots
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " unknown");
            }
        }
        return out;
    }

    /** A cycle as the path that closes it (first == last), if the graph has one. */
    static Optional<List<String>> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // absent: unseen, 1: on the path, 2: done
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> path = new ArrayList<>();
            Optional<List<String>> cycle = visit(start, graph, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return Optional.empty();
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(cycle);
        }
        state.put(node, 1);
        path.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            Optional<List<String>> cycle = visit(next, graph, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return Optional.empty();
    }
}
