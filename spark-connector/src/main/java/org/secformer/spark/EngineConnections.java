package org.secformer.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.secformer.engine.bert.ModelDescriptor;
import org.secformer.engine.client.EngineClient;
import org.secformer.engine.server.EngineConfig;
import org.secformer.engine.server.EngineConfigLoader;
import org.secformer.engine.text.WordPieceTokenizer;
import org.secformer.engine.tls.Role;
import org.secformer.engine.tls.TlsConfig;

/**
 * What an executor JVM keeps per configuration, shared by its tasks: the mutual-TLS connections to the
 * engines, the model's public descriptor and its tokenizer. A connection that failed is dropped
 * ({@link #evict}) so the next task or retry connects afresh.
 */
final class EngineConnections {
  private static final ConcurrentHashMap<SecformerConf, EngineConnections> OPEN = new ConcurrentHashMap<>();

  final SecformerConf conf;
  final EngineConfig engines;
  final ModelDescriptor model;
  final WordPieceTokenizer tokenizer;
  private EngineClient client;

  private EngineConnections(SecformerConf conf) {
    this.conf = conf;
    Path engineConf = Path.of(conf.engineConf());
    if (!Files.isRegularFile(engineConf)) {
      throw new IllegalArgumentException(SecformerConf.PREFIX + SecformerConf.ENGINE_CONF + " names "
          + engineConf.toAbsolutePath() + ", which does not exist");
    }
    EngineConfig loaded = EngineConfigLoader.load(engineConf);
    this.engines = new EngineConfig(loaded.workers(), loaded.p0PeerPorts(), loaded.tlsDir(), loaded.maxFrameBytes(),
        conf.timeoutMs(), loaded.modelDir(), loaded.fracBits());
    Path modelDir = conf.modelDir() == null ? loaded.modelDir() : Path.of(conf.modelDir());
    Path descriptor = modelDir.resolve(conf.modelId()).resolve(ModelDescriptor.FILE_NAME);
    if (!Files.isRegularFile(descriptor)) {
      throw new IllegalArgumentException("model '" + conf.modelId() + "' has no public descriptor at "
          + descriptor.toAbsolutePath() + " (set " + SecformerConf.PREFIX + SecformerConf.MODEL_DIR + " or "
          + SecformerConf.PREFIX + SecformerConf.MODEL_ID + ")");
    }
    this.model = ModelDescriptor.read(descriptor);
    this.tokenizer = tokenizer(conf.tokenizer());
  }

  static EngineConnections get(SecformerConf conf) {
    return OPEN.computeIfAbsent(conf, EngineConnections::new);
  }

  synchronized EngineClient client() {
    if (client == null) {
      client = EngineClient.connect(engines, TlsConfig.forRole(engines.tlsDir(), Role.CLIENT));
    }
    return client;
  }

  /**
   * Drops the connections after a failure if a link is down, so the next {@link #client()} reconnects. Links
   * that are still up stay: the executor's other tasks share them, and closing them under their running
   * jobs would fail those too (a dealer that died fails jobs, not the links to P0 and P1).
   */
  synchronized void evict(EngineClient failed) {
    if (client == failed && client != null && !client.isOpen()) {
      try {
        client.close();
      } catch (RuntimeException ignored) {
        // already broken
      }
      client = null;
    }
  }

  private static WordPieceTokenizer tokenizer(String name) {
    Path file = Path.of(name);
    if (Files.isRegularFile(file)) {
      try {
        return WordPieceTokenizer.fromJson(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read tokenizer " + file.toAbsolutePath() + ": " + e.getMessage(), e);
      }
    }
    try (InputStream in = EngineConnections.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException(SecformerConf.PREFIX + SecformerConf.TOKENIZER + " '" + name
            + "' is neither a file nor a class path resource");
      }
      return WordPieceTokenizer.fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer resource " + name + ": " + e.getMessage(), e);
    }
  }
}
