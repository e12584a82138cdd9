# Benchmarks (make bench) and the demo database (make demo).
bench demo:
	@echo "not yet"
