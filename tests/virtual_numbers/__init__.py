"""Virtual numbers: the numbers that receive at any time, read and sent from."""
