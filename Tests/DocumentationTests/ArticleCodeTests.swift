import Foundation
import Testing

/// The articles' code is this target's code: every ```swift block of an article under
/// Sources/*/*.docc appears verbatim (at one indentation) in a test source of this folder, so the
/// compiled code and the printed code cannot drift apart.
@Suite struct ArticleCodeTests {
    /// The articles (every .md of a catalog but the module page, which has no code).
    static func articles() throws -> [URL] {
        let sources = PackageFiles.root.appendingPathComponent("Sources")
        var found: [URL] = []
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path) {
            let catalog = sources.appendingPathComponent(module).appendingPathComponent("\(module).docc")
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: catalog.path) else { continue }
            for file in files where file.hasSuffix(".md") && file != "\(module).md" {
                found.append(catalog.appendingPathComponent(file))
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// The ```swift blocks of a Markdown text, each as its lines.
    static func swiftBlocks(_ text: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if current != nil, trimmed == "```" {
                blocks.append(current!)
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    /// True when `block` is a run of consecutive lines of `source`, each indented by one same prefix.
    static func contains(_ source: [String], _ block: [String]) -> Bool {
        guard let first = block.first(where: { !$0.isEmpty }), let firstIndex = block.firstIndex(of: first) else {
            return true
        }
        for (i, line) in source.enumerated() where line.hasSuffix(first) {
            let indent = String(line.dropLast(first.count))
            guard indent.allSatisfy({ $0 == " " }), i - firstIndex >= 0, i - firstIndex + block.count <= source.count
            else { continue }
            let start = i - firstIndex
            if block.indices.allSatisfy({ k in
                block[k].isEmpty ? source[start + k].trimmingCharacters(in: .whitespaces).isEmpty
                                 : source[start + k] == indent + block[k]
            }) { return true }
        }
        return false
    }

    @Test func everyArticleBlockIsCompiledTestCode() throws {
        let folder = PackageFiles.root.appendingPathComponent("Tests/DocumentationTests")
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".swift") && $0 != "ArticleCodeTests.swift" }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8).components(separatedBy: "\n") }
        let articles = try Self.articles()
        #expect(articles.count == 3, "the three articles: \(articles.map(\.lastPathComponent))")
        for article in articles {
            let blocks = Self.swiftBlocks(try String(contentsOf: article, encoding: .utf8))
            #expect(!blocks.isEmpty, "\(article.lastPathComponent) has no swift code")
            for block in blocks {
                #expect(sources.contains { Self.contains($0, block) },
                        "\(article.lastPathComponent): this block is not in Tests/DocumentationTests:\n\(block.joined(separator: "\n"))")
            }
        }
    }

    @Test func theCheckFindsADriftedBlock() {
        let source = ["    let a = 1", "", "    let b = 2"]
        #expect(Self.contains(source, ["let a = 1", "", "let b = 2"]))
        #expect(!Self.contains(source, ["let a = 1", "let b = 2"]))
        #expect(!Self.contains(source, ["let a = 2"]))
        #expect(Self.swiftBlocks("x\n```swift\nlet a = 1\n```\n```sh\nls\n```\n") == [["let a = 1"]])
    }
}
