package org.secformer.shares.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * One fresh allocator per test. A test that leaves Arrow memory behind fails twice over: the explicit
 * zero check names the number of bytes, and closing a RootAllocator with outstanding buffers throws.
 */
abstract class AllocatorTestBase {
  protected BufferAllocator allocator;
  protected ShareIpc ipc;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator(Long.MAX_VALUE);
    ipc = new ShareIpc(allocator);
  }

  @AfterEach
  void closeAllocator() {
    try {
      assertEquals(0, allocator.getAllocatedMemory(), "Arrow memory leaked by the test");
    } finally {
      allocator.close();
    }
  }
}
