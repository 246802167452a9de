/// How many images one constraint of a mode let through.
public struct ConstraintTally: Sendable, Hashable, CustomStringConvertible {
    public var constraint: SelectionConstraint
    /// Images left after this constraint and every one before it.
    public var remaining: Int
    /// Images of the whole catalog this constraint admits on its own.
    public var admittedAlone: Int

    public var description: String { "\(constraint): \(remaining) left (\(admittedAlone) of the catalog alone)" }
}

/// The images a mode admits for a host, with the count after each constraint.
public struct CandidateSet: Sendable, Hashable {
    public var mode: SelectionMode
    /// In catalog order.
    public var images: [CatalogImage]
    public var tallies: [ConstraintTally]
}

/// A chosen image and what running it needs.
public struct ImageSelection: Sendable, Hashable {
    public var mode: SelectionMode
    public var image: CatalogImage
    /// Every image the mode admitted (in catalog order); `image` was drawn uniformly from these.
    public var candidates: [CatalogImage]
    /// Shell commands to run in the container before the application, e.g. sourcing Intel MPI's
    /// `vars.sh`. Set by the descriptive modes, which know the image's MPI; the baseline modes leave it
    /// empty, as the experiment's did.
    public var preCommands: [String]
    public var tallies: [ConstraintTally]
}

/// Why a mode admitted no image: the constraint that emptied the set and the count after each.
public struct NoMatchExplanation: Sendable, Hashable, CustomStringConvertible {
    public var mode: SelectionMode
    public var catalogSize: Int
    public var tallies: [ConstraintTally]

    /// The first constraint after which no image was left.
    public var emptiedBy: SelectionConstraint? {
        tallies.first { $0.remaining == 0 }?.constraint
    }

    public var description: String {
        let steps = tallies.map { "\($0.constraint) → \($0.remaining)" }.joined(separator: ", ")
        guard let emptiedBy else { return "mode \(mode): no image among \(catalogSize)" }
        return "mode \(mode): no image among \(catalogSize) passes; \(emptiedBy) emptied the set (\(steps))"
    }
}

public enum SelectionOutcome: Sendable, Hashable {
    case selected(ImageSelection)
    case noMatch(NoMatchExplanation)

    public var selection: ImageSelection? {
        if case .selected(let selection) = self { return selection }
        return nil
    }

    public var explanation: NoMatchExplanation? {
        if case .noMatch(let explanation) = self { return explanation }
        return nil
    }
}

/// Chooses images from a catalog by mode. Holds only the catalog, so one selector serves every
/// admission or simulated iteration; each call costs one pass over the images per constraint.
public struct ImageSelector: Sendable {
    public let catalog: ImageCatalog

    public init(catalog: ImageCatalog) {
        self.catalog = catalog
    }

    /// The images `mode` admits for `host`, in catalog order, with the count after each constraint.
    public func candidates(for host: HostEnvironment, mode: SelectionMode) -> CandidateSet {
        var remaining = catalog.images
        var tallies: [ConstraintTally] = []
        for constraint in SelectionConstraint.constraints(for: mode, host: host) {
            remaining.removeAll { !constraint.admits($0.attributes) }
            let alone = catalog.images.reduce(0) { $0 + (constraint.admits($1.attributes) ? 1 : 0) }
            tallies.append(ConstraintTally(constraint: constraint, remaining: remaining.count, admittedAlone: alone))
        }
        return CandidateSet(mode: mode, images: remaining, tallies: tallies)
    }

    /// Draws one admitted image uniformly with `random` (so the same seed gives the same choice), or
    /// explains which constraint left none.
    public func select(for host: HostEnvironment, mode: SelectionMode, random: inout SeededRandom) -> SelectionOutcome {
        select(from: candidates(for: host, mode: mode), random: &random)
    }

    /// The draw of ``select(for:mode:random:)`` from candidates computed earlier (they depend only on the
    /// catalog, the host and the mode, so a caller may keep them).
    public func select(from set: CandidateSet, random: inout SeededRandom) -> SelectionOutcome {
        let mode = set.mode
        guard let image = random.element(of: set.images) else {
            return .noMatch(NoMatchExplanation(mode: mode, catalogSize: catalog.count, tallies: set.tallies))
        }
        let preCommands = mode.isDescriptive ? (image.attributes.mpi?.kind.environmentSetupCommands ?? []) : []
        return .selected(ImageSelection(mode: mode, image: image, candidates: set.images, preCommands: preCommands, tallies: set.tallies))
    }
}
