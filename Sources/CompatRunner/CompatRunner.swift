// Module CompatRunner: see README.md, "Architecture".
