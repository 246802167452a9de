import CompatRunner
import CompatWebhook
import Logging

extension WebhookEndpoint {
    /// The real webhook started in this process for each experiment: ``EmbeddedWebhook`` on 127.0.0.1
    /// with a certificate made for the run, its CA the only root the runner trusts.
    static let inProcess = WebhookEndpoint.embedded { request, logger in
        let webhook = try EmbeddedWebhook(
            .init(nodes: request.nodes, fileArtifactRoots: [request.paths.artifacts, request.paths.models], modelsDirectory: request.paths.models,
                  fluxViews: request.fluxViews, skipInstanceTypes: request.skipInstanceTypes),
            logger: logger
        )
        return LaunchedWebhook(url: webhook.url, caPEM: webhook.caPEM, stop: webhook.stop)
    }
}
