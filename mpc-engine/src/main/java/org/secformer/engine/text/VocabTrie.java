package org.secformer.engine.text;

import java.util.Arrays;
import java.util.Map;

/**
 * A character trie over a WordPiece vocabulary, so that the longest vocabulary prefix of a word is found in one
 * walk (what Hugging Face's WordPiece finds by trying ever shorter substrings in its vocabulary map). Edges are
 * UTF-16 chars held in one open-addressing hash table keyed by (node, char). Immutable after construction, so
 * one instance is safe to share between threads.
 */
final class VocabTrie {
  static final int ROOT = 0;
  static final int NONE = -1;

  private long[] keys;
  private int[] children;
  private int mask;
  private int edges;
  private int[] tokenIds = new int[1024];
  private int nodes = 1;

  VocabTrie(Map<String, Integer> vocab) {
    int capacity = Integer.highestOneBit(Math.max(1024, vocab.size() * 16)) << 1;
    keys = new long[capacity];
    Arrays.fill(keys, -1L);
    children = new int[capacity];
    mask = capacity - 1;
    Arrays.fill(tokenIds, NONE);
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      insert(e.getKey(), e.getValue());
    }
  }

  private void insert(String token, int id) {
    int node = ROOT;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int next = child(node, c);
      if (next == NONE) {
        next = newNode();
        put(key(node, c), next);
      }
      node = next;
    }
    tokenIds[node] = id;
  }

  /** The node reached from {@code node} along {@code c}, or {@link #NONE}. */
  int child(int node, char c) {
    long k = key(node, c);
    int slot = slot(k);
    while (true) {
      long stored = keys[slot];
      if (stored == k) {
        return children[slot];
      }
      if (stored == -1L) {
        return NONE;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The node reached from {@code node} along all chars of {@code s}, or {@link #NONE}. */
  int walk(int node, CharSequence s) {
    for (int i = 0; i < s.length() && node != NONE; i++) {
      node = child(node, s.charAt(i));
    }
    return node;
  }

  /** The vocabulary id of the token that ends at {@code node}, or {@link #NONE}. */
  int tokenId(int node) {
    return tokenIds[node];
  }

  private int newNode() {
    if (nodes == tokenIds.length) {
      int old = tokenIds.length;
      tokenIds = Arrays.copyOf(tokenIds, old * 2);
      Arrays.fill(tokenIds, old, tokenIds.length, NONE);
    }
    return nodes++;
  }

  private void put(long k, int value) {
    if ((edges + 1) * 2 > keys.length) {
      grow();
    }
    int slot = slot(k);
    while (keys[slot] != -1L) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = k;
    children[slot] = value;
    edges++;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldChildren = children;
    keys = new long[oldKeys.length * 2];
    Arrays.fill(keys, -1L);
    children = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != -1L) {
        int slot = slot(oldKeys[i]);
        while (keys[slot] != -1L) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        children[slot] = oldChildren[i];
      }
    }
  }

  private static long key(int node, char c) {
    return ((long) node << 16) | c;
  }

  private int slot(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32) & mask;
  }
}
