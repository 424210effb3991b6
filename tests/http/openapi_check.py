"""Checks HTTP responses against payband's OpenAPI 3.1 document.

Only the parts of JSON Schema the document uses are understood, and any
other keyword makes the check fail loudly rather than pass silently:
type (one or a list), properties, required, additionalProperties (boolean or
schema), items, enum, oneOf, $ref (to #/components/...), format "date",
minimum, maximum, exclusiveMinimum, minItems, maxItems, description.
Python's standard library only.
"""
import json
import re

KNOWN = {"type", "properties", "required", "additionalProperties", "items", "enum",
         "oneOf", "$ref", "format", "minimum", "maximum", "exclusiveMinimum", "minItems",
         "maxItems", "description"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Spec:
    def __init__(self, doc):
        if doc.get("openapi", "").split(".")[:2] != ["3", "1"]:
            raise ValueError("not an OpenAPI 3.1 document")
        self.doc = doc

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"unsupported $ref {ref}")
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part]
        return node

    def operation(self, path, method):
        """The path item and operation for a concrete path ("/x" may match "/{file}")."""
        paths = self.doc["paths"]
        item = paths.get(path)
        if item is None:
            for template, candidate in paths.items():
                pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
                if "{" in template and re.match(pattern, path):
                    item = candidate
                    break
        if item is None:
            return None, None
        method = "get" if method == "HEAD" else method.lower()
        return item, item.get(method)

    def check_response(self, method, path, status, content_type, body):
        """A list of problems (empty when the response is as documented)."""
        path = path.split("?", 1)[0]
        item, op = self.operation(path, method)
        if item is None:
            if status != 404:
                return [f"{path} is not in the document but answered {status}"]
            op = {"responses": {"404": {"$ref": "#/components/responses/NotFound"}}}
        elif op is None:
            if status != 405:
                return [f"{method} {path} is not in the document but answered {status}"]
            op = {"responses": {"405": {"$ref": "#/components/responses/MethodNotAllowed"}}}
        response = op["responses"].get(str(status))
        if response is None:
            return [f"{method} {path}: status {status} is not documented"]
        response = self.resolve(response)
        media = (content_type or "").split(";")[0].strip().lower()
        content = response.get("content", {})
        if media not in content:
            return [f"{method} {path} {status}: content type '{media}' is not documented "
                    f"({', '.join(content) or 'none'})"]
        if method == "HEAD" or media != "application/json":
            return []
        try:
            value = json.loads(body)
        except ValueError as e:
            return [f"{method} {path} {status}: body is not JSON: {e}"]
        problems = []
        self.validate(value, content[media]["schema"], "$", problems)
        return problems

    def validate(self, value, schema, where, problems):
        schema = self.resolve(schema)
        unknown = set(schema) - KNOWN
        if unknown:
            raise ValueError(f"schema keywords not understood: {sorted(unknown)}")
        if "oneOf" in schema:
            passing = 0
            for alternative in schema["oneOf"]:
                sub = []
                self.validate(value, alternative, where, sub)
                passing += not sub
            if passing != 1:
                problems.append(f"{where}: matches {passing} of the oneOf alternatives")
            return
        types = schema.get("type")
        if types is not None:
            types = [types] if isinstance(types, str) else types
            if not any(type_ok(value, t) for t in types):
                problems.append(f"{where}: {json.dumps(value)[:60]} is not {'/'.join(types)}")
                return
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where}: {value!r} not in {schema['enum']}")
        if schema.get("format") == "date" and isinstance(value, str) and not DATE.match(value):
            problems.append(f"{where}: {value!r} is not a date")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                problems.append(f"{where}: {value} < {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                problems.append(f"{where}: {value} > {schema['maximum']}")
            if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
                problems.append(f"{where}: {value} <= {schema['exclusiveMinimum']}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                problems.append(f"{where}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                problems.append(f"{where}: more than {schema['maxItems']} items")
            if "items" in schema:
                for i, item in enumerate(value):
                    self.validate(item, schema["items"], f"{where}[{i}]", problems)
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    problems.append(f"{where}: missing '{key}'")
            extra = schema.get("additionalProperties", True)
            for key, item in value.items():
                if key in props:
                    self.validate(item, props[key], f"{where}.{key}", problems)
                elif extra is False:
                    problems.append(f"{where}: unexpected '{key}'")
                elif isinstance(extra, dict):
                    self.validate(item, extra, f"{where}.{key}", problems)


def type_ok(value, t):
    if t == "null":
        return value is None
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "array":
        return isinstance(value, list)
    if t == "object":
        return isinstance(value, dict)
    raise ValueError(f"unknown type {t}")
