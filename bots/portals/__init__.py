"""Page objects: one class per screen, one module per portal; they know selectors, the robots do not."""
