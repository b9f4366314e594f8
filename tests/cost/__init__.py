"""Cost before sending and the spending guard: dry runs, estimates, the monthly budget."""
