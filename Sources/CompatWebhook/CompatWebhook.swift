// Module CompatWebhook: see README.md, "Architecture".
