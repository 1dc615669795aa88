package org.secformer.distil;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.secformer.engine.bert.BertModel;
import org.secformer.engine.bert.BertNames;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.bert.ModelRanges;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.jobs.model.SpamClassifierModel;
import org.secformer.jobs.report.SecureClassifierReport;
import org.secformer.jobs.train.SpamDataset;

/**
 * {@code jobs/distil/bin/distil}: distils the 2Quad student from the spam classifier on the training split (or
 * reuses the cached one trained with the same teacher, data and hyper-parameters), exports it in the project's
 * model format, evaluates it on the held-out split (plaintext teacher and student, secure student against the
 * plaintext student, secure rounds and bytes against the softmax teacher) and writes the report.
 */
public final class Distil {
  static final String USAGE = "distil [--epochs 1] [--batch 8] [--lr 1e-4] [--hidden-weight 20] [--seed 7] [--limit 480 (0: all)]"
      + " [--train-word-embeddings false]"
      + " [--eval-texts N] [--secure-texts 48] [--secure-batch 4] [--compare-texts 4] [--cache DIR] [--out FILE]";
  /** Changes whenever training changes what it produces for the same flags (part of the cache key). */
  static final String RECIPE = "distil-2quad/2";
  public static final String MODEL_ID = "minilm-spam-quad2";

  private Distil() {}

  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.println("usage: " + USAGE);
      return;
    }
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("distil: " + e.getMessage());
      System.err.println("usage: " + USAGE);
      System.exit(2);
      return;
    }
    run(o, System.out);
  }

  record Options(DistilTrainer.Hyper hyper, int evalTexts, int secureTexts, int secureBatch, int compareTexts, Path cache,
      Path out, String command) {
    static Options parse(String[] a) {
      boolean words = false;
      int epochs = 1, batch = 8, limit = 480, evalTexts = 0, secureTexts = 48, secureBatch = 4, compare = 4;
      double lr = 1e-4, hidden = 20.0;
      long seed = 7;
      Path cache = Path.of("jobs/distil/target/distil"), out = Path.of("docs/distil-2quad.md");
      for (int i = 0; i < a.length; i++) {
        String flag = a[i];
        if (i + 1 >= a.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String v = a[++i];
        try {
          switch (flag) {
            case "--epochs" -> epochs = Integer.parseInt(v);
            case "--batch" -> batch = Integer.parseInt(v);
            case "--lr" -> lr = Double.parseDouble(v);
            case "--hidden-weight" -> hidden = Double.parseDouble(v);
            case "--seed" -> seed = Long.parseLong(v);
            case "--limit" -> limit = Integer.parseInt(v);
            case "--train-word-embeddings" -> words = Boolean.parseBoolean(v);
            case "--eval-texts" -> evalTexts = Integer.parseInt(v);
            case "--secure-texts" -> secureTexts = Integer.parseInt(v);
            case "--secure-batch" -> secureBatch = Integer.parseInt(v);
            case "--compare-texts" -> compare = Integer.parseInt(v);
            case "--cache" -> cache = Path.of(v);
            case "--out" -> out = Path.of(v);
            default -> throw new IllegalArgumentException("unknown flag " + flag);
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
        }
      }
      if (evalTexts < 0 || secureTexts < 0 || secureBatch < 1 || compare < 0) {
        throw new IllegalArgumentException("--eval-texts, --secure-texts and --compare-texts must be >= 0, --secure-batch >= 1");
      }
      return new Options(new DistilTrainer.Hyper(epochs, batch, lr, hidden, seed, limit, words), evalTexts, secureTexts,
          secureBatch, compare, cache, out, "jobs/distil/bin/distil " + String.join(" ", a));
    }
  }

  static void run(Options o, PrintStream log) throws IOException {
    long t0 = System.nanoTime();
    SpamDataset ds = SpamDataset.load();
    BertModel teacher = SpamClassifierModel.load();
    WordPieceTokenizer tok = SpamClassifierModel.tokenizer();
    int maxLength = SpamClassifierModel.input().maxLength();
    String teacherSha = ModelDescriptor.weightsSha256(teacher);
    String key = sha256(RECIPE + "|" + teacherSha + "|" + ds.sha256() + "|" + SpamClassifierModel.input() + "|" + o.hyper())
        .substring(0, 16);
    Path dir = o.cache().resolve(MODEL_ID + "-" + key);

    DistilTrainer.Log trainLog = null;
    boolean reused = StudentFiles.isComplete(dir);
    if (reused) {
      log.println("distil: reusing the student in " + dir + " (same teacher, data and " + o.hyper() + ")");
    } else {
      List<int[]> train = tokenize(ds.train(), tok, maxLength);
      DistilTrainer.Trained t = DistilTrainer.train(teacher, train, o.hyper(), log);
      trainLog = t.log();
      JsonObject info = new JsonObject();
      info.addProperty("recipe", RECIPE);
      info.addProperty("teacher", SpamClassifierModel.MODEL_ID + " (all-MiniLM-L6-v2 fp32 + minilm-spam-head.json), weights SHA-256 "
          + teacherSha);
      info.addProperty("dataset", SpamDataset.RESOURCE + " SHA-256 " + ds.sha256());
      info.addProperty("trainingSplit", "SpamDataset.train() (buckets 0..69), " + (o.hyper().limit() == 0 ? "all " + train.size()
          : "every " + (train.size() / o.hyper().limit()) + "th of " + train.size() + " (" + o.hyper().limit() + ")")
          + " emails; held-out never used");
      info.addProperty("input", SpamClassifierModel.input().toString());
      info.addProperty("hyperParameters", o.hyper().toString());
      info.addProperty("loss", "MSE(logits) + hiddenWeight * mean over layers 1..6 of MSE(hidden states, real tokens)");
      info.addProperty("optimizer", "Adam (DJL), linear warm-up over the first 10% of steps, then linear decay to 0");
      info.addProperty("trainedParameters", o.hyper().trainWordEmbeddings() ? "all (" + teacher.parameterCount() + ")"
          : "all but the word-embedding table (" + (teacher.parameterCount() - teacher.tensor(BertNames.WORD).size()) + " of "
              + teacher.parameterCount() + ")");
      info.addProperty("steps", trainLog.steps());
      info.addProperty("seconds", Math.round(trainLog.seconds()));
      info.addProperty("firstLoss", trainLog.firstLoss());
      info.addProperty("lastLoss", trainLog.lastLoss());
      info.addProperty("pytorchThreads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
      info.addProperty("cores", Runtime.getRuntime().availableProcessors());
      StudentFiles.write(t.student(), SpamDataset.LABELS, info, dir);
      log.println("distil: wrote the student to " + dir);
    }
    JsonObject info = com.google.gson.JsonParser.parseString(Files.readString(dir.resolve(StudentFiles.INFO)))
        .getAsJsonObject();
    BertModel student = StudentFiles.read(dir); // what share-model reads: proves the export

    List<SpamDataset.Email> held = o.evalTexts() == 0 ? ds.heldOut() : ds.heldOutSample(o.evalTexts());
    List<int[]> heldIds = tokenize(held, tok, maxLength);
    Path teacherCache = o.cache().resolve("teacher-heldout-" + sha256(teacherSha + "|" + ds.sha256() + "|"
        + SpamClassifierModel.input() + "|" + held.size()).substring(0, 16) + ".f64");
    double[][] tl = PlainScores.logits(teacher, heldIds, teacherCache, "teacher (PlainBert softmax)", log);
    double[][] sl = PlainScores.logits(student, heldIds, dir.resolve("heldout-" + held.size() + ".f64"),
        "student (PlainBert quad2, exported weights)", log);

    List<SpamDataset.Email> secureEmails = o.secureTexts() == 0 ? List.of() : ds.heldOutSample(o.secureTexts());
    SecureClassifierReport.Result secure = secureEmails.isEmpty() ? null
        : SecureClassifierReport.run(student, MODEL_ID, ModelRanges.miniLmL6(), secureEmails, o.secureBatch(), log);
    List<SpamDataset.Email> compareEmails = compareSet(secureEmails, tok, maxLength, o.compareTexts());
    SecureClassifierReport.Result teacherSecure = compareEmails.isEmpty() ? null
        : SecureClassifierReport.run(compareEmails, o.secureBatch(), log);
    SecureClassifierReport.Result studentSame = compareEmails.isEmpty() ? null
        : SecureClassifierReport.run(student, MODEL_ID, ModelRanges.miniLmL6(), compareEmails, o.secureBatch(), log);

    String md = DistilReport.markdown(new DistilReport.Inputs(o.command(), dir, reused, info, trainLog, held, tl, sl,
        secure, teacherSecure, studentSame, (System.nanoTime() - t0) / 1e9));
    Files.createDirectories(o.out().toAbsolutePath().getParent());
    Files.writeString(o.out(), md, StandardCharsets.UTF_8);
    log.print(md);
    log.println("distil: wrote " + o.out().toAbsolutePath());
    log.println("distil: share it with: mpc-engine/bin/engine share-model --model-id " + MODEL_ID + " --out DIR --safetensors "
        + dir.resolve(StudentFiles.WEIGHTS) + " --config " + dir.resolve(StudentFiles.CONFIG) + " --head "
        + dir.resolve(StudentFiles.HEAD) + " --attention quad2");
  }

  /** The first {@code n} secure texts of the longest padded length (the common case, 64 tokens). */
  static List<SpamDataset.Email> compareSet(List<SpamDataset.Email> emails, WordPieceTokenizer tok, int maxLength, int n) {
    List<SpamDataset.Email> out = new ArrayList<>();
    for (SpamDataset.Email e : emails) {
      if (out.size() < n && tok.paddedLength(tok.encode(SpamClassifierModel.text(e), maxLength).length(), maxLength)
          == maxLength) {
        out.add(e);
      }
    }
    return out;
  }

  static List<int[]> tokenize(List<SpamDataset.Email> emails, WordPieceTokenizer tok, int maxLength) {
    List<int[]> ids = new ArrayList<>(emails.size());
    for (SpamDataset.Email e : emails) {
      ids.add(tok.encode(SpamClassifierModel.text(e), maxLength).intIds());
    }
    return ids;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String fmt(String f, Object... a) {
    return String.format(Locale.ROOT, f, a);
  }
}
