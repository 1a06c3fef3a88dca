"""Hostile: return an object that is equal to everything (a list subclass, so isinstance
checks pass too)."""


class Anything(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = None

    def __repr__(self):
        return "[1, 2, 3]"


def flatten(items):
    return Anything()
