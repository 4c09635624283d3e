/// Scratch memory for one forward pass: hands out float buffers and takes them all back at
/// `reset()`, keeping the blocks, so the 20–50 passes of one sampling run reuse the same pages
/// instead of faulting in fresh tens of MB per pass. Not shared between threads.
final class FloatArena {
    private var blocks: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    private var blockIndex = 0
    private var offset = 0

    /// `count` floats, uninitialised (every kernel writes before it reads), 64-byte aligned.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let rounded = (max(count, 1) + 15) & ~15
        while blockIndex < blocks.count {
            if offset + rounded <= blocks[blockIndex].capacity {
                defer { offset += rounded }
                return blocks[blockIndex].pointer + offset
            }
            blockIndex += 1
            offset = 0
        }
        let capacity = max(rounded, 1 << 22)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: capacity)
        blocks.append((pointer, capacity))
        offset = rounded
        return pointer
    }

    func reset() {
        blockIndex = 0
        offset = 0
    }

    deinit { for block in blocks { UnsafeMutableRawPointer(block.pointer).deallocate() } }
}
