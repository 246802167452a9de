// Module CompatSimulation: see README.md, "Architecture".
