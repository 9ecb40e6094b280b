import json, re

class Rbnf:
    """Integer spell-out by CLDR's rule-based number format rules (the subset cardinal rule
    sets use for numbers under a thousand)."""

    def __init__(self, sets):
        self.sets = {}
        for name, rules in sets.items():
            if not isinstance(rules, list):
                continue
            parsed = []
            for key, text in rules:
                m = re.fullmatch(r"(\d+)(?:/(\d+))?", key)
                if not m:
                    continue
                base = int(m.group(1))
                radix = int(m.group(2)) if m.group(2) else 10
                parsed.append((base, radix, text.rstrip(";")))
            parsed.sort(key=lambda r: r[0])
            self.sets[name] = parsed

    def spell(self, name, n, depth=0):
        rules = self.sets.get(name)
        if not rules or depth > 20:
            return None
        rule = None
        for r in rules:
            if r[0] <= n:
                rule = r
        if rule is None:
            return None
        base, radix, text = rule
        if text.startswith("'"):
            text = text[1:]
        exp = 0
        while radix ** (exp + 1) <= base:
            exp += 1
        divisor = radix ** exp if base > 0 else 1
        return self.render(name, text, n, divisor, depth)

    def render(self, name, text, n, divisor, depth):
        if "$(" in text:
            return None
        out = []
        i = 0
        while i < len(text):
            c = text[i]
            if c == "[":
                j = text.index("]", i)
                inner = text[i + 1 : j]
                # An optional part is left out when the remainder (or quotient) is zero.
                if ("→" in inner and n % divisor == 0) or ("←" in inner and n // divisor == 0):
                    pass
                else:
                    r = self.render(name, inner, n, divisor, depth)
                    if r is None:
                        return None
                    out.append(r)
                i = j + 1
            elif c in "→←=":
                j = text.index(c, i + 1)
                ref = text[i + 1 : j]
                if c == "→" and text[j + 1 : j + 2] == "→":
                    j += 1
                value = {"→": n % divisor, "←": n // divisor, "=": n}[c]
                if ref.startswith("%"):
                    r = self.spell(ref, value, depth + 1)
                elif ref == "":
                    r = self.spell(name, value, depth + 1)
                elif re.fullmatch(r"[#0,.]+", ref):
                    r = str(value)
                else:
                    return None
                if r is None:
                    return None
                out.append(r)
                i = j + 1
            else:
                out.append(c)
                i += 1
        return "".join(out)


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return Rbnf(data["rbnf"]["rbnf"].get("SpelloutRules", {}))

if __name__ == "__main__":
    import sys
    r = load(sys.argv[1])
    for name in r.sets:
        if name.startswith("%spellout-cardinal") or name == "%spellout-numbering":
            print(name, [r.spell(name, n) for n in (1, 2, 3, 5, 11, 21, 22, 40, 45)])
