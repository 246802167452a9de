import CompatCore

/// How a request wants the instance chosen.
public enum SelectionDirection: String, Sendable, CaseIterable, Hashable {
    case maximize
    case minimize
    /// Uniform among the eligible nodes, from ``SeededRandom`` (stream `instance-choice`), so the same
    /// seed gives the same node on any machine.
    case random

    public init(_ direction: OptimizationDirection) {
        switch direction {
        case .maximize: self = .maximize
        case .minimize: self = .minimize
        }
    }
}

/// One node that took part in a choice (control-plane nodes never do).
public struct CandidateNode: Sendable, Hashable {
    /// Position in the input node list.
    public var index: Int
    /// The node's instance type, else its hostname, else its input position as text.
    public var identity: String
    /// The label ``identity`` was read from (the instance selector a nodeSelector would use); `nil` when
    /// the node has neither an instance-type nor a hostname label.
    public var instanceSelector: String?
    /// `kubernetes.io/arch` (or the beta label), which picks the image from a spec's `platforms`.
    public var architecture: String?
    public var assessment: ModelAssessment

    public var score: Double? { assessment.prediction }
}

/// The outcome of choosing an instance: every candidate's score and flags, the node chosen, and a
/// sentence saying why.
public struct InstanceChoice: Sendable, Hashable {
    public var model: String
    public var direction: SelectionDirection
    /// The seed of a random choice.
    public var seed: UInt64?
    /// The nodes that took part, in input order.
    public var candidates: [CandidateNode]
    /// Input positions of the control-plane nodes that were dropped.
    public var controlPlaneNodes: [Int]
    public var chosen: CandidateNode
    /// True when every scorable node was out of distribution, so the choice had to be made among them.
    public var choseOutOfDistribution: Bool
    /// The node a choice ignoring the out-of-distribution guard would have made, when it differs from
    /// ``chosen`` (what ocifit-k8s would have picked).
    public var unguardedChoice: CandidateNode?
    /// Why ``chosen`` won, in one paragraph a user can check.
    public var reason: String

    /// The label that identifies the chosen node.
    public var instanceSelector: String? { chosen.instanceSelector }
}

/// Why no instance could be chosen.
public enum InstanceChoiceError: Error, Sendable, Hashable, CustomStringConvertible {
    case noNodes
    case onlyControlPlaneNodes(count: Int)
    /// Every candidate lacks an input the model needs.
    case noScorableNode(model: String, candidates: [CandidateNode])

    public var description: String {
        switch self {
        case .noNodes:
            return "no nodes to choose from"
        case .onlyControlPlaneNodes(let count):
            return "all \(count) nodes are control-plane nodes, which are never chosen"
        case .noScorableNode(let model, let candidates):
            let problems = candidates.map { node in
                "\(node.identity) (node \(node.index)): " + node.assessment.inputProblems.map(\.description).joined(separator: ", ")
            }
            return "model '\(model)' cannot score any of the \(candidates.count) nodes: " + problems.joined(separator: "; ")
        }
    }
}

/// Chooses an instance by a performance model, the way ocifit-k8s's model server does, with its gaps
/// closed: a node that lacks an input is reported instead of failing the whole request, every score is
/// returned, and nodes whose labels lie outside the training data never win while an in-distribution
/// node exists.
public enum InstanceChooser {
    /// Labels whose presence marks a control-plane node (the current one and the pre-1.20 one).
    public static let controlPlaneLabels = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"]
    /// Labels a node's identity is read from, in order of preference.
    public static let identityLabels = ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type", "kubernetes.io/hostname"]
    public static let architectureLabels = ["kubernetes.io/arch", "beta.kubernetes.io/arch"]
    /// The ``SeededRandom`` stream random choices draw from.
    public static let randomStream = "instance-choice"

    /// - Parameters:
    ///   - direction: the request's direction; `nil` uses the model's own.
    ///   - seed: seeds a random choice (ignored otherwise).
    public static func choose(
        model: PerformanceModel, nodes: [[String: String]], direction: SelectionDirection? = nil, seed: UInt64 = 0
    ) throws(InstanceChoiceError) -> InstanceChoice {
        guard !nodes.isEmpty else { throw .noNodes }
        let direction = direction ?? SelectionDirection(model.direction)
        var candidates: [CandidateNode] = []
        var controlPlane: [Int] = []
        for (index, labels) in nodes.enumerated() {
            if controlPlaneLabels.contains(where: { labels[$0] != nil }) {
                controlPlane.append(index)
                continue
            }
            let selector = identityLabels.first { labels[$0] != nil }
            candidates.append(CandidateNode(
                index: index,
                identity: selector.flatMap { labels[$0] } ?? String(index),
                instanceSelector: selector,
                architecture: architectureLabels.lazy.compactMap { labels[$0] }.first,
                assessment: model.assess(labels)
            ))
        }
        guard !candidates.isEmpty else { throw .onlyControlPlaneNodes(count: controlPlane.count) }
        let scorable = candidates.filter { $0.score?.isFinite == true }
        guard !scorable.isEmpty else { throw .noScorableNode(model: model.name, candidates: candidates) }
        let inDistribution = scorable.filter(\.assessment.isInDistribution)
        let pool = inDistribution.isEmpty ? scorable : inDistribution

        let chosen: CandidateNode
        var unguarded: CandidateNode?
        var random = SeededRandom(seed: seed, stream: randomStream)
        switch direction {
        case .maximize, .minimize:
            chosen = best(of: pool, direction)
            let overall = best(of: scorable, direction)
            if overall.index != chosen.index { unguarded = overall }
        case .random:
            chosen = random.element(of: pool) ?? pool[0]
        }
        let choice = InstanceChoice(
            model: model.name, direction: direction, seed: direction == .random ? seed : nil,
            candidates: candidates, controlPlaneNodes: controlPlane, chosen: chosen,
            choseOutOfDistribution: inDistribution.isEmpty, unguardedChoice: unguarded, reason: ""
        )
        var explained = choice
        explained.reason = explain(choice, pool: pool)
        return explained
    }

    /// The highest (or lowest) score; on an exact tie the first in input order, like numpy's argmax.
    private static func best(of nodes: [CandidateNode], _ direction: SelectionDirection) -> CandidateNode {
        var winner = nodes[0]
        for node in nodes.dropFirst() {
            guard let score = node.score, let best = winner.score else { continue }
            if direction == .minimize ? score < best : score > best { winner = node }
        }
        return winner
    }

    private static func explain(_ choice: InstanceChoice, pool: [CandidateNode]) -> String {
        let chosen = choice.chosen
        let poolName = choice.choseOutOfDistribution ? "scorable nodes, all out of distribution" : "in-distribution nodes"
        var parts: [String] = []
        switch choice.direction {
        case .maximize, .minimize:
            let extreme = choice.direction == .maximize ? "highest" : "lowest"
            var sentence = "\(choice.direction.rawValue) \(choice.model): chose \(label(chosen)) with prediction \(chosen.score ?? .nan), "
                + "the \(extreme) among \(pool.count) \(poolName)"
            let ties = pool.filter { $0.score == chosen.score }.count
            if ties > 1 { sentence += " (\(ties) nodes tie at that value; the first in input order wins)" }
            parts.append(sentence)
        case .random:
            parts.append("random \(choice.model) (seed \(choice.seed ?? 0)): chose \(label(chosen)) uniformly among \(pool.count) \(poolName)")
        }
        if choice.choseOutOfDistribution {
            parts.append("No scorable node is in distribution, so this prediction is an extrapolation: "
                + chosen.assessment.outOfDistribution.map(\.description).joined(separator: "; "))
        } else {
            let excluded = choice.candidates.filter { $0.score != nil && !$0.assessment.isInDistribution }
            if !excluded.isEmpty {
                parts.append("\(excluded.count) out-of-distribution node\(excluded.count == 1 ? " was" : "s were") not eligible: "
                    + listed(excluded) { "\(label($0)): " + $0.assessment.outOfDistribution.map(\.description).joined(separator: "; ") })
            }
        }
        if let unguarded = choice.unguardedChoice {
            parts.append("Without the guard \(label(unguarded)) would have won with \(unguarded.score ?? .nan)")
        }
        let unscorable = choice.candidates.filter { $0.score == nil }
        if !unscorable.isEmpty {
            parts.append("\(unscorable.count) node\(unscorable.count == 1 ? "" : "s") cannot be scored: "
                + listed(unscorable) { "\(label($0)): " + $0.assessment.inputProblems.map(\.description).joined(separator: ", ") })
        }
        if !choice.controlPlaneNodes.isEmpty {
            parts.append("\(choice.controlPlaneNodes.count) control-plane node\(choice.controlPlaneNodes.count == 1 ? "" : "s") dropped")
        }
        return parts.joined(separator: ". ")
    }

    /// How many nodes an explanation itemises; the rest are counted. The explanation becomes an audit
    /// annotation and a log field, so it must stay small with 10 000 nodes (the API server limits
    /// annotation sizes, and every audited request carries it).
    public static let explainedNodeLimit = 5

    private static func listed(_ nodes: [CandidateNode], _ describe: (CandidateNode) -> String) -> String {
        let shown = nodes.prefix(explainedNodeLimit).map(describe).joined(separator: "; ")
        let hidden = nodes.count - explainedNodeLimit
        return hidden > 0 ? shown + "; and \(hidden) more" : shown
    }

    private static func label(_ node: CandidateNode) -> String {
        node.instanceSelector == nil ? "node \(node.index)" : "\(node.identity) (node \(node.index))"
    }
}
