package org.secformer.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.secformer.engine.bert.BertInput;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.bert.PlainBert;
import org.secformer.engine.cli.EngineProcesses;
import org.secformer.engine.cli.LoopbackConf;
import org.secformer.engine.model.ModelPublisher;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.engine.tls.CertTool;
import org.secformer.engine.tls.Role;
import org.secformer.spark.TestEngines;

/**
 * Test fixture for fault and load tests: the dealer, P0 and P1 as three separate engine JVMs (one worker
 * each, fixed heap) over mutual TLS on loopback, serving the cheapest real classifier: TestEngines' tiny
 * random BERT (one layer, hidden 16) over a character-level word-piece vocabulary of 77 pieces, so the
 * secure embedding lookup sends 78 ring elements per token instead of MiniLM's 30,523. Processes can be
 * killed, restarted, paused (SIGSTOP) and resumed; {@link #plainLogits} is the plaintext reference.
 */
final class EngineJvms implements AutoCloseable {
  static final String MODEL_ID = "tiny-chars";

  final Path dir;
  final Path engineConf;
  final Path tokenizerFile;
  final WordPieceTokenizer tokenizer;
  final BertModel model;
  private final EngineProcesses processes;

  private EngineJvms(Path dir, Path engineConf, Path tokenizerFile, WordPieceTokenizer tokenizer, BertModel model,
      EngineProcesses processes) {
    this.dir = dir;
    this.engineConf = engineConf;
    this.tokenizerFile = tokenizerFile;
    this.tokenizer = tokenizer;
    this.model = model;
    this.processes = processes;
  }

  /** Starts the three engines with {@code heap} each; {@code engineTimeoutMs} bounds a party's waits. */
  static EngineJvms start(Path dir, String heap, long engineTimeoutMs) throws IOException {
    CertTool.generate(dir.resolve("certs"), Duration.ofDays(1));
    Path tokenizerFile = writeCharTokenizer(dir.resolve("tokenizer.json"));
    WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(tokenizerFile);
    BertModel model = TestEngines.balanced(TestEngines.randomClassifier(11, tokenizer.vocabSize()), tokenizer);
    ModelPublisher.publish(MODEL_ID, model, 16, List.of("ham", "spam"), ModelRanges.miniLmL6(), dir.resolve("models"));
    Path conf = LoopbackConf.write(dir.resolve("engine.properties"), 1, dir.resolve("certs"), dir.resolve("models"),
        engineTimeoutMs);
    String before = System.getProperty(EngineProcesses.HEAP_PROPERTY);
    System.setProperty(EngineProcesses.HEAP_PROPERTY, heap);
    try {
      return new EngineJvms(dir, conf, tokenizerFile, tokenizer, model,
          EngineProcesses.start(conf, dir.resolve("logs"), 60_000));
    } finally {
      if (before == null) {
        System.clearProperty(EngineProcesses.HEAP_PROPERTY);
      } else {
        System.setProperty(EngineProcesses.HEAP_PROPERTY, before);
      }
    }
  }

  /** The session keys that point ScoreTable (or any spark.secformer.* user) at these engines. */
  Map<String, String> sparkConf(int batchSize, int maxSeqLen) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.secformer.engine.conf", engineConf.toString());
    c.put("spark.secformer.model.id", MODEL_ID);
    c.put("spark.secformer.tokenizer", tokenizerFile.toString());
    c.put("spark.secformer.batch.size", Integer.toString(batchSize));
    c.put("spark.secformer.max.seq.len", Integer.toString(maxSeqLen));
    return c;
  }

  long pid(Role role) {
    return processes.process(role).pid();
  }

  boolean alive(Role role) {
    return processes.process(role).isAlive();
  }

  /** SIGKILL, as a crashed machine or the OOM killer would: no shutdown hook, no goodbye on the links. */
  void kill(Role role) throws InterruptedException {
    Process p = processes.process(role);
    p.destroyForcibly();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(role + " (pid " + p.pid() + ") did not die");
    }
  }

  void restart(Role role) throws IOException {
    processes.restart(role, 60_000);
  }

  /** SIGSTOP: the process keeps its sockets open but neither reads nor answers, a hung peer. */
  void pause(Role role) throws IOException, InterruptedException {
    signal("-STOP", role);
  }

  void resume(Role role) throws IOException, InterruptedException {
    signal("-CONT", role);
  }

  private void signal(String signal, Role role) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(pid(role))).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid(role) + " failed");
    }
  }

  /** Every log of {@code role}'s engines so far (the first process and any restarts), concatenated. */
  String logs(Role role) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("logs"))) {
      // the first process's log, then each restart's (<role>.<n>.log) in order
      List<Path> mine = files.filter(f -> f.getFileName().toString().startsWith(role.commonName() + "."))
          .sorted(java.util.Comparator.comparingInt(EngineJvms::restartNumber)).toList();
      StringBuilder all = new StringBuilder();
      for (Path f : mine) {
        all.append(Files.readString(f));
      }
      return all.toString();
    }
  }

  private static int restartNumber(Path log) {
    String[] parts = log.getFileName().toString().split("\\.");
    return parts.length == 3 ? Integer.parseInt(parts[1]) : 0;
  }

  double[] plainLogits(String text, int maxSeqLen) {
    return new PlainBert(model).logits(BertInput.single(tokenizer.encode(text, maxSeqLen).intIds()))[0];
  }

  /** Brings every engine back (resumes a paused one, restarts a dead one), so a test leaves them serving. */
  void heal() throws IOException, InterruptedException {
    for (Role r : List.of(Role.DEALER, Role.P0, Role.P1)) {
      if (alive(r)) {
        resume(r);
      } else {
        restart(r);
      }
    }
  }

  @Override
  public void close() {
    for (Role r : List.of(Role.DEALER, Role.P0, Role.P1)) {
      if (alive(r)) {
        try {
          resume(r);
        } catch (IOException | InterruptedException ignored) {
          // closing kills it anyway
        }
      }
    }
    processes.close();
  }

  /**
   * A BERT-style tokenizer.json whose word pieces are single characters: specials, a-z, 0-9, a few
   * punctuation marks, and the same letters and digits as continuations.
   */
  static Path writeCharTokenizer(Path file) throws IOException {
    List<String> pieces = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
    List<String> chars = new ArrayList<>();
    for (char c = 'a'; c <= 'z'; c++) {
      chars.add(String.valueOf(c));
    }
    for (char c = '0'; c <= '9'; c++) {
      chars.add(String.valueOf(c));
    }
    pieces.addAll(chars);
    pieces.addAll(List.of(".", ",", "!", "?", "$", "%", ":", "'", "-"));
    chars.forEach(c -> pieces.add("##" + c));
    String vocab = java.util.stream.IntStream.range(0, pieces.size())
        .mapToObj(i -> "\"" + pieces.get(i) + "\": " + i).collect(Collectors.joining(", "));
    String json = "{\"normalizer\": {\"type\": \"BertNormalizer\", \"lowercase\": true},\n"
        + " \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},\n"
        + " \"post_processor\": {\"type\": \"BertProcessing\", \"sep\": [\"[SEP]\", 3], \"cls\": [\"[CLS]\", 2]},\n"
        + " \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\",\n"
        + "  \"vocab\": {" + vocab + "}}}\n";
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, json);
    return file;
  }
}
