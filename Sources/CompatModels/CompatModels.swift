// Module CompatModels: see README.md, "Architecture".
