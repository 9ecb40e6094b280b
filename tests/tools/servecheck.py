#!/usr/bin/env python3
"""Read back what `pagefeed run` serves, with the tools the rest of the world uses.

    servecheck.py jsonfeed FILE   validate against the JSON Feed 1.1 schema (jsonschema)
    servecheck.py opml FILE       parse OPML 2.0 (xml.etree); print its outlines
    servecheck.py metrics FILE    parse with prometheus_client's OpenMetrics parser

Prints one JSON object on success; exits 1 with the reason otherwise.
"""
import json
import pathlib
import sys
import xml.etree.ElementTree as ET


def jsonfeed(path):
    import jsonschema

    schema_path = pathlib.Path(__file__).with_name("jsonfeed-1.1.schema.json")
    schema = json.loads(schema_path.read_text())
    doc = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    if errors:
        raise SystemExit("invalid JSON Feed: " + "; ".join(e.message for e in errors[:5]))
    return {"items": len(doc["items"]), "title": doc["title"], "feed_url": doc.get("feed_url")}


def opml(path):
    root = ET.parse(path).getroot()
    if root.tag != "opml" or root.get("version") != "2.0":
        raise SystemExit(f"not OPML 2.0: {root.tag} {root.attrib}")
    outlines = [dict(o.attrib) for o in root.iter("outline")]
    return {"title": root.findtext("head/title"), "outlines": outlines}


def metrics(path):
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    text = pathlib.Path(path).read_text(encoding="utf-8")
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            out[f"{s.name}{{{labels}}}"] = s.value
    return {"samples": out}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("jsonfeed", "opml", "metrics"):
        raise SystemExit(__doc__)
    print(json.dumps(globals()[sys.argv[1]](sys.argv[2])))
