"""The sandbox's world: who the patients, payers and claims are, and what is true about them."""
