/// The C scalar types Xen's public headers use in guest-facing structures. Their size and
/// alignment depend on the ABI (see ABI32/ABI64's data models); this names only what the header says.
public enum ScalarType: String, Sendable, Hashable, CaseIterable {
    /// C `char` (1 byte; the headers use it for text such as xen_extraversion_t).
    case char
    /// `uint8_t`.
    case uint8
    /// `uint16_t` (also domid_t).
    case uint16
    /// `uint32_t` (also evtchn_port_t, grant_ref_t, grant_handle_t).
    case uint32
    /// `uint64_t`: 8 bytes, but only 4-aligned inside an x86_32 structure.
    case uint64
    /// `int8_t`.
    case int8
    /// `int16_t` (the grant-table ops' `status`).
    case int16
    /// `int32_t`.
    case int32
    /// `int64_t`.
    case int64
    /// `uint64_aligned_t`: 8-aligned even on x86_32 (public/arch-x86/xen-x86_32.h).
    case uint64Aligned = "uint64_aligned_t"
    /// `xen_ulong_t`: `unsigned long` on x86 (public/arch-x86/xen.h).
    case xenUlong = "xen_ulong_t"
    /// C `unsigned long`.
    case unsignedLong = "unsigned long"
    /// C `long`.
    case long
    /// C `int`.
    case int
    /// C `unsigned int`.
    case unsignedInt = "unsigned int"
    /// `xen_pfn_t`: `unsigned long` on x86 (public/arch-x86/xen.h).
    case xenPfn = "xen_pfn_t"
    /// `XEN_GUEST_HANDLE(T)`: a struct holding one pointer (public/arch-x86/xen.h).
    case guestHandle = "guest_handle"
    /// A plain C pointer.
    case pointer

    /// True for the signed C types (decoded as signed, sign-extended when widened).
    public var isSigned: Bool {
        switch self {
        case .int8, .int16, .int32, .int64, .long, .int: return true
        default: return false
        }
    }
}

/// The type of one member of a structure.
public indirect enum FieldType: Sendable {
    /// One value of a C scalar type.
    case scalar(ScalarType)
    /// A fixed-length C array (`T name[count]`) of scalars or of structures.
    case array(FieldType, count: Int)
    /// A nested structure or union, laid out in place.
    case record(StructDescription)
}

/// One named member. An empty name is an anonymous struct or union whose members are
/// reached without a prefix (C11 anonymous members).
public struct Field: Sendable {
    /// The member's name as the header spells it; empty for an anonymous struct or union.
    public let name: String
    /// What the member holds.
    public let type: FieldType
    /// A member called `name` of type `type`.
    public init(_ name: String, _ type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// The two x86 guest ABIs.
public enum Architecture: String, Sendable, Hashable, CaseIterable {
    /// A 32-bit guest (i386 PAE): public/arch-x86/xen-x86_32.h; on a 64-bit Xen, the compat ABI.
    case x86_32
    /// A 64-bit guest: public/arch-x86/xen-x86_64.h, Xen's native ABI.
    case x86_64

    /// The ABI's pointer width in bits (32 or 64), as the CLI's `--abi` names it.
    public var bits: Int { self == .x86_32 ? 32 : 64 }
}

/// A Xen structure or union, described once. Most structures have one member list for both
/// ABIs; a few (cpu_user_regs, arch_vcpu_info, ...) differ by header (xen-x86_32.h vs
/// xen-x86_64.h) and carry one list per architecture.
public final class StructDescription: Sendable {
    /// The C tag without `struct ` (e.g. `xen_memory_reservation`).
    public let name: String
    /// The public header that defines it, relative to xen/include/public.
    public let header: String
    /// True for a C union: every member at offset 0, the size that of the largest.
    public let isUnion: Bool
    private let members32: [Field]
    private let members64: [Field]
    /// True when the members differ by architecture.
    public let isArchitectureSpecific: Bool
    /// The architectures whose headers define it (iret_context is x86_64 only, xen_callback x86_32 only).
    public let architectures: [Architecture]

    /// A structure (or, with `union`, a union) whose members are the same in both ABIs' headers.
    public init(_ name: String, _ header: String, union: Bool = false, _ members: [Field]) {
        self.name = name
        self.header = header
        self.isUnion = union
        self.members32 = members
        self.members64 = members
        self.isArchitectureSpecific = false
        self.architectures = Architecture.allCases
    }

    /// A structure only one architecture's header defines.
    public init(_ name: String, _ header: String, only architecture: Architecture, _ members: [Field]) {
        self.name = name
        self.header = header
        self.isUnion = false
        self.members32 = architecture == .x86_32 ? members : []
        self.members64 = architecture == .x86_64 ? members : []
        self.isArchitectureSpecific = true
        self.architectures = [architecture]
    }

    /// A structure whose members differ by architecture (xen-x86_32.h and xen-x86_64.h each declare it).
    public init(_ name: String, _ header: String, union: Bool = false, x86_32: [Field], x86_64: [Field]) {
        self.name = name
        self.header = header
        self.isUnion = union
        self.members32 = x86_32
        self.members64 = x86_64
        self.isArchitectureSpecific = true
        self.architectures = Architecture.allCases
    }

    /// The members in header order for `architecture` (empty where its header lacks the structure).
    public func members(_ architecture: Architecture) -> [Field] {
        architecture == .x86_32 ? members32 : members64
    }
}

// Builders that keep the catalog close to the header text.
extension Field {
    /// `char name[count]`.
    public static func char(_ name: String, _ count: Int) -> Field { Field(name, .array(.scalar(.char), count: count)) }
    /// `uint8_t name`.
    public static func u8(_ name: String) -> Field { Field(name, .scalar(.uint8)) }
    /// `uint16_t name`.
    public static func u16(_ name: String) -> Field { Field(name, .scalar(.uint16)) }
    /// `uint32_t name`.
    public static func u32(_ name: String) -> Field { Field(name, .scalar(.uint32)) }
    /// `uint64_t name` (4-aligned on x86_32).
    public static func u64(_ name: String) -> Field { Field(name, .scalar(.uint64)) }
    /// `int8_t name`.
    public static func i8(_ name: String) -> Field { Field(name, .scalar(.int8)) }
    /// `int16_t name`.
    public static func i16(_ name: String) -> Field { Field(name, .scalar(.int16)) }
    /// `int32_t name`.
    public static func i32(_ name: String) -> Field { Field(name, .scalar(.int32)) }
    /// `int64_t name`.
    public static func i64(_ name: String) -> Field { Field(name, .scalar(.int64)) }
    /// `int name`.
    public static func int(_ name: String) -> Field { Field(name, .scalar(.int)) }
    /// `unsigned int name`.
    public static func uint(_ name: String) -> Field { Field(name, .scalar(.unsignedInt)) }
    /// `unsigned long name`: 4 bytes on x86_32, 8 on x86_64.
    public static func ulong(_ name: String) -> Field { Field(name, .scalar(.unsignedLong)) }
    /// `long name`: 4 bytes on x86_32, 8 on x86_64.
    public static func long(_ name: String) -> Field { Field(name, .scalar(.long)) }
    /// `xen_ulong_t name` (public/arch-x86/xen.h).
    public static func xenUlong(_ name: String) -> Field { Field(name, .scalar(.xenUlong)) }
    /// `xen_pfn_t name`: a frame number (public/arch-x86/xen.h).
    public static func pfn(_ name: String) -> Field { Field(name, .scalar(.xenPfn)) }
    /// `XEN_GUEST_HANDLE(T) name`: a guest virtual address of an array (public/arch-x86/xen.h).
    public static func handle(_ name: String) -> Field { Field(name, .scalar(.guestHandle)) }
    /// A plain C pointer member (`void *v` in vcpu.h's address unions).
    public static func pointer(_ name: String) -> Field { Field(name, .scalar(.pointer)) }
    /// `domid_t` (public/xen.h): uint16_t.
    public static func domid(_ name: String) -> Field { Field(name, .scalar(.uint16)) }
    /// `evtchn_port_t` (public/event_channel.h): uint32_t.
    public static func port(_ name: String) -> Field { Field(name, .scalar(.uint32)) }
    /// `grant_ref_t` (public/grant_table.h): uint32_t.
    public static func gref(_ name: String) -> Field { Field(name, .scalar(.uint32)) }
    /// `grant_handle_t` (public/grant_table.h): uint32_t.
    public static func grantHandle(_ name: String) -> Field { Field(name, .scalar(.uint32)) }
    /// `struct T name`: a nested structure the catalog describes.
    public static func record(_ name: String, _ description: StructDescription) -> Field {
        Field(name, .record(description))
    }
    /// `T name[count]` for any element type (an array of structures, e.g. `trap_ctxt[256]`).
    public static func array(_ name: String, _ element: FieldType, _ count: Int) -> Field {
        Field(name, .array(element, count: count))
    }
    /// An anonymous inline union (C11).
    public static func anonymousUnion(_ members: [Field]) -> Field {
        Field("", .record(StructDescription("", "", union: true, members)))
    }
    /// A named inline union, e.g. `union { ... } arg1;`.
    public static func union(_ name: String, _ members: [Field]) -> Field {
        Field(name, .record(StructDescription("", "", union: true, members)))
    }
    /// A named inline struct, e.g. `struct { ... } u;`.
    public static func inlineStruct(_ name: String, _ members: [Field]) -> Field {
        Field(name, .record(StructDescription("", "", members)))
    }
}
