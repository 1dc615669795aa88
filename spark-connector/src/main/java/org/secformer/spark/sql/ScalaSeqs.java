package org.secformer.spark.sql;

import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/** Java list to Scala sequence and back, for Catalyst's Scala API. */
final class ScalaSeqs {
  private ScalaSeqs() {}

  static <T> scala.collection.immutable.Seq<T> seq(List<T> items) {
    return CollectionConverters.asScala(items).toList();
  }

  @SafeVarargs
  static <T> scala.collection.immutable.Seq<T> seq(T... items) {
    return seq(List.of(items));
  }

  static <T> scala.collection.immutable.Seq<T> appended(scala.collection.Seq<T> items, T last) {
    List<T> all = new java.util.ArrayList<>(list(items));
    all.add(last);
    return seq(all);
  }

  static <T> List<T> list(scala.collection.Seq<T> items) {
    return CollectionConverters.asJava(items);
  }
}
