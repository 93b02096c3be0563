/// How an ABI stores each scalar type: its size and its alignment inside a structure.
/// ABI32 and ABI64 each provide one; the layout of every structure follows from it.
public protocol DataModel: Sendable {
    /// The ABI this model lays structures out for.
    var architecture: Architecture { get }
    /// The scalar's size in bytes (sizeof).
    func size(of scalar: ScalarType) -> Int
    /// Alignment of the scalar as a structure member (for x86_32 `uint64_t` this is 4, not 8).
    func alignment(of scalar: ScalarType) -> Int
}

/// One leaf member of a laid-out structure: a scalar, or an array of scalars.
/// Nested structures and unions are flattened into dotted paths (`arg1.mfn`), arrays of
/// structures into indexed paths (`trap_ctxt[3].vector`).
public struct LayoutField: Sendable, Equatable {
    /// The dotted member path, the key of a `StructValue`.
    public let path: String
    /// The byte offset from the start of the outermost structure (offsetof).
    public let offset: Int
    /// Total size in bytes (for an array, all its elements).
    public let size: Int
    /// The C type of the scalar (of each element, for an array).
    public let scalar: ScalarType
    /// Number of elements: nil for a plain scalar, the array length for an array of scalars.
    public let count: Int?

    /// Bytes of one element (of the scalar itself when not an array).
    public var elementSize: Int { size / (count ?? 1) }
    /// Elements: 1 for a plain scalar.
    public var elementCount: Int { count ?? 1 }
}

/// A structure laid out for one ABI.
public struct StructLayout: Sendable, Equatable {
    /// The C tag of the structure it lays out.
    public let name: String
    /// The ABI it is laid out for.
    public let architecture: Architecture
    /// sizeof in bytes, tail padding included.
    public let size: Int
    /// _Alignof in bytes: the largest member alignment.
    public let alignment: Int
    /// Every leaf member, in member order (union alternatives overlap).
    public let fields: [LayoutField]

    /// The field at `path`, if any.
    public func field(_ path: String) -> LayoutField? { fields.first { $0.path == path } }
}

extension StructDescription {
    /// Lays the structure out under `model`, following the System V i386/x86-64 rules gcc uses:
    /// each member at the next multiple of its alignment, the size rounded up to the largest one.
    public func layout(_ model: some DataModel) -> StructLayout {
        let placed = Self.place(self, model)
        return StructLayout(name: name, architecture: model.architecture, size: placed.size,
                            alignment: placed.alignment, fields: placed.fields)
    }

    private struct Placed {
        var size: Int
        var alignment: Int
        var fields: [LayoutField]
    }

    private static func roundUp(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }

    private static func place(_ description: StructDescription, _ model: some DataModel) -> Placed {
        var offset = 0
        var end = 0
        var alignment = 1
        var fields: [LayoutField] = []
        for member in description.members(model.architecture) {
            let inner = place(member.type, name: member.name, model)
            alignment = max(alignment, inner.alignment)
            let at = description.isUnion ? 0 : roundUp(offset, inner.alignment)
            for field in inner.fields {
                fields.append(LayoutField(path: field.path, offset: at + field.offset, size: field.size,
                                          scalar: field.scalar, count: field.count))
            }
            offset = at + inner.size
            end = max(end, offset)
        }
        return Placed(size: roundUp(end, alignment), alignment: alignment, fields: fields)
    }

    private static func join(_ prefix: String, _ path: String) -> String {
        if prefix.isEmpty { return path }
        if path.isEmpty || path.hasPrefix("[") { return prefix + path }
        return prefix + "." + path
    }

    private static func place(_ type: FieldType, name: String, _ model: some DataModel) -> Placed {
        switch type {
        case .scalar(let scalar):
            let size = model.size(of: scalar)
            return Placed(size: size, alignment: model.alignment(of: scalar),
                          fields: [LayoutField(path: name, offset: 0, size: size, scalar: scalar, count: nil)])
        case .array(.scalar(let scalar), let count):
            let size = model.size(of: scalar)
            return Placed(size: size * count, alignment: model.alignment(of: scalar),
                          fields: [LayoutField(path: name, offset: 0, size: size * count, scalar: scalar,
                                               count: count)])
        case .array(let element, let count):
            let one = place(element, name: "", model)
            let stride = roundUp(one.size, one.alignment)
            var fields: [LayoutField] = []
            for index in 0..<count {
                for field in one.fields {
                    fields.append(LayoutField(path: join("\(name)[\(index)]", field.path),
                                              offset: index * stride + field.offset, size: field.size,
                                              scalar: field.scalar, count: field.count))
                }
            }
            return Placed(size: stride * count, alignment: one.alignment, fields: fields)
        case .record(let description):
            let inner = place(description, model)
            return Placed(size: inner.size, alignment: inner.alignment,
                          fields: inner.fields.map {
                              LayoutField(path: join(name, $0.path), offset: $0.offset, size: $0.size,
                                          scalar: $0.scalar, count: $0.count)
                          })
        }
    }
}
