/// Rows of text cells printed as aligned columns: each column is as wide as its widest cell, so
/// a long value pushes its column out instead of running into the next one. The last column is
/// not padded (no trailing blanks).
package struct TextTable: Sendable, Equatable {
    package var rows: [[String]]

    package init(_ rows: [[String]] = []) { self.rows = rows }

    /// The rows as lines, each starting with `indent`, columns separated by `gap` spaces.
    package func lines(indent: String = "", gap: Int = 2) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            var line = indent
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + gap) }
            }
            return line
        }
    }
}
