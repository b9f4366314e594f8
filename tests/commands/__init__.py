"""Commands by SMS: Assist answers, keywords, and what keeps them safe."""
