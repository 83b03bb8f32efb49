"""Documentation rules: can a newcomer find what the project is and how to run it?"""

from archaudit.rules.base import Rule
from archaudit.rules.documentation import no_readme

RULES: list[Rule] = [no_readme.RULE]
