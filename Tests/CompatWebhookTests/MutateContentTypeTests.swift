@testable import CompatWebhook
import Testing

/// `POST /mutate` takes `application/json` however the client spells its case, spaces and parameters,
/// and nothing else (the API server sends `application/json`).
@Suite struct MutateContentTypeTests {
    @Test(arguments: ["application/json", "Application/JSON", " application/json ; charset=utf-8", "application/json;charset=UTF-8", "\tapplication/json\t"])
    func jsonSpellingsAreAccepted(_ contentType: String) {
        #expect(WebhookServer.isJSON(contentType))
    }

    @Test(arguments: ["", "text/json", "application/jsonl", "application/json-patch+json", "application/x-yaml", "application/ json", "json"])
    func otherMediaTypesAreRefused(_ contentType: String) {
        #expect(!WebhookServer.isJSON(contentType))
    }
}
