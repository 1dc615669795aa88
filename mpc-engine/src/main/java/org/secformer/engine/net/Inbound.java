package org.secformer.engine.net;

import org.secformer.engine.MpcException;
import org.secformer.shares.control.ControlMessage;

/** A whole message received on a {@link Session}, after chunk reassembly and control decoding. */
public sealed interface Inbound {
  String jobId();

  long seq();

  /** A control message. */
  record Control(String jobId, long seq, ControlMessage message) implements Inbound {}

  /** A tagged tensor of raw ring elements. */
  record Tensor(String jobId, long seq, String tag, long[] values) implements Inbound {
    @Override
    public String toString() {
      return "Tensor[" + jobId + " #" + seq + " " + tag + ", " + values.length + " elements]";
    }
  }

  /** An Arrow IPC stream of one share batch. */
  record Arrow(String jobId, long seq, byte[] ipc) implements Inbound {
    @Override
    public String toString() {
      return "Arrow[" + jobId + " #" + seq + ", " + ipc.length + " bytes]";
    }
  }

  /** The other side refused or failed something; it closes the link after sending this. */
  record Error(String jobId, long seq, MpcException error) implements Inbound {}
}
