import Testing
import Rendering

@Suite struct TextTableTests {
    @Test func columnsAreAsWideAsTheirWidestCell() {
        let table = TextTable([["a", "arch-x86/xen-x86_32.h, xen-x86_64.h", "68/200", "translated"],
                               ["mmu_update", "xen.h", "16/16", "identical"]])
        #expect(table.lines(indent: "  ") == [
            "  a           arch-x86/xen-x86_32.h, xen-x86_64.h  68/200  translated",
            "  mmu_update  xen.h                                16/16   identical",
        ])
    }

    @Test func shortRowsAndEmptyTables() {
        #expect(TextTable().lines().isEmpty)
        #expect(TextTable([["x", "y"], ["long"]]).lines(gap: 1) == ["x    y", "long"])
    }
}
