"""Property names a reader understands: ``dcterms:source`` is "Điều khoản gốc" / "Source clause", and the same link
read backwards ("is the source clause of") on the page it points to.

ipgraph's own properties carry ``rdfs:label`` in both languages in the ontology; the standard vocabularies it reuses
are named in :data:`STANDARD_NAMES`. Anything else keeps its prefixed name, which is what a SPARQL writer types.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import URIRef

from ipgraph.publish.describe import LABEL_PROPERTIES, fetch_values
from ipgraph.publish.i18n import Language
from ipgraph.publish.results import labels_from_triples, pick_label
from ipgraph.publish.views import prefixed_name
from ipgraph.store.base import Store

#: Standard properties by prefixed name: (vi, en) forwards, then (vi, en) read backwards.
STANDARD_NAMES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "rdf:type": (("Loại", "Type"), ("Các thực thể thuộc loại này", "Things of this type")),
    "rdfs:label": (("Nhãn", "Label"), ("Là nhãn của", "Label of")),
    "rdfs:comment": (("Ghi chú", "Comment"), ("Là ghi chú của", "Comment on")),
    "rdfs:seeAlso": (("Xem thêm", "See also"), ("Được tham chiếu từ", "Referred to by")),
    "rdfs:isDefinedBy": (("Được định nghĩa tại", "Defined by"), ("Định nghĩa", "Defines")),
    "skos:prefLabel": (("Tên", "Name"), ("Là tên của", "Name of")),
    "skos:altLabel": (("Tên khác", "Other name"), ("Là tên khác của", "Other name of")),
    "skos:definition": (("Định nghĩa", "Definition"), ("Là định nghĩa của", "Definition of")),
    "skos:scopeNote": (("Phạm vi", "Scope"), ("Là phạm vi của", "Scope of")),
    "skos:editorialNote": (("Ghi chú biên tập", "Editorial note"), ("Là ghi chú của", "Note on")),
    "skos:notation": (("Ký hiệu", "Notation"), ("Là ký hiệu của", "Notation of")),
    "skos:inScheme": (("Thuộc danh mục", "In scheme"), ("Gồm các khái niệm", "Concepts in it")),
    "skos:topConceptOf": (("Khái niệm gốc của", "Top concept of"), ("Khái niệm gốc", "Top concepts")),
    "skos:hasTopConcept": (("Khái niệm gốc", "Top concepts"), ("Là khái niệm gốc của", "Top concept of")),
    "skos:broader": (("Khái niệm rộng hơn", "Broader concept"), ("Khái niệm hẹp hơn", "Narrower concepts")),
    "skos:narrower": (("Khái niệm hẹp hơn", "Narrower concepts"), ("Khái niệm rộng hơn", "Broader concept")),
    "dcterms:source": (("Điều khoản gốc", "Source clause"), ("Là điều khoản gốc của", "Source clause of")),
    "dcterms:subject": (("Chủ đề", "Subject"), ("Các mục có chủ đề này", "Items on this subject")),
    "dcterms:title": (("Tiêu đề", "Title"), ("Là tiêu đề của", "Title of")),
    "dcterms:description": (("Mô tả", "Description"), ("Là mô tả của", "Description of")),
    "dcterms:date": (("Ngày", "Date"), ("Là ngày của", "Date of")),
    "dcterms:identifier": (("Mã định danh", "Identifier"), ("Là mã định danh của", "Identifier of")),
    "dcterms:publisher": (("Cơ quan công bố", "Publisher"), ("Đã công bố", "Published")),
    "dcterms:bibliographicCitation": (("Trích dẫn", "Citation"), ("Là trích dẫn của", "Citation of")),
    "dcterms:replaces": (("Thay thế cho", "Replaces"), ("Được thay thế bởi", "Replaced by")),
    "dcterms:isReplacedBy": (("Được thay thế bởi", "Replaced by"), ("Thay thế cho", "Replaces")),
    "prov:qualifiedAssociation": (("Phân công", "Assignment"), ("Được phân công trong", "Assigned in")),
    "prov:agent": (("Cơ quan", "Agent"), ("Được phân công trong", "Assigned in")),
    "prov:hadRole": (("Vai trò", "Role"), ("Các phân công với vai trò này", "Assignments in this role")),
    "eli:is_part_of": (("Thuộc", "Part of"), ("Gồm các phần", "Has parts")),
    "eli:has_part": (("Gồm các phần", "Has parts"), ("Thuộc", "Part of")),
    "eli:number": (("Số hiệu", "Number"), ("Là số hiệu của", "Number of")),
    "eli:passed_by": (("Cơ quan ban hành", "Passed by"), ("Đã ban hành", "Passed")),
    "eli:based_on": (("Căn cứ", "Based on"), ("Là căn cứ của", "Basis for")),
    "eli:implements": (("Thực hiện", "Implements"), ("Được thực hiện bởi", "Implemented by")),
    "eli:date_document": (("Ngày ban hành", "Date of the document"), ("Là ngày ban hành của", "Date of")),
    "eli:title": (("Tiêu đề", "Title"), ("Là tiêu đề của", "Title of")),
    "org:subOrganizationOf": (("Trực thuộc", "Part of"), ("Đơn vị trực thuộc", "Sub-organisations")),
    "org:hasSubOrganization": (("Đơn vị trực thuộc", "Sub-organisations"), ("Trực thuộc", "Part of")),
    "org:changedBy": (("Thay đổi bởi sự kiện", "Changed by"), ("Thay đổi", "Changed")),
    "org:originalOrganization": (("Cơ quan trước thay đổi", "Original organisation"), ("Thay đổi", "Changed by")),
    "org:resultingOrganization": (
        ("Cơ quan sau thay đổi", "Resulting organisation"),
        ("Hình thành từ", "Resulted from"),
    ),
    "org:resultedFrom": (("Hình thành từ", "Resulted from"), ("Tạo ra", "Resulted in")),
    "org:classification": (("Phân loại", "Classification"), ("Là phân loại của", "Classification of")),
    "org:linkedTo": (("Liên quan đến", "Linked to"), ("Liên quan đến", "Linked to")),
    "foaf:name": (("Tên", "Name"), ("Là tên của", "Name of")),
    "sdmx-attribute:unitMeasure": (("Đơn vị tính", "Unit"), ("Là đơn vị tính của", "Unit of")),
    "dcterms:language": (("Ngôn ngữ", "Language"), ("Là ngôn ngữ của", "Language of")),
    "dcterms:spatial": (("Phạm vi địa lý", "Place"), ("Là phạm vi địa lý của", "Place of")),
    "dcterms:temporal": (("Thời kỳ", "Period"), ("Là thời kỳ của", "Period of")),
    "eli:id_local": (("Số, ký hiệu", "Local identifier"), ("Là số, ký hiệu của", "Local identifier of")),
    "eli:basis_for": (("Là căn cứ của", "Basis for"), ("Căn cứ", "Based on")),
    "eli:cites": (("Trích dẫn", "Cites"), ("Được trích dẫn trong", "Cited by")),
    "prov:qualifiedAttribution": (("Chữ ký, thẩm quyền", "Attribution"), ("Là chữ ký của", "Attribution of")),
    "owl:sameAs": (("Cũng là", "Same as"), ("Cũng là", "Same as")),
    "ipg:servesTarget": (("Phục vụ mục tiêu", "Serves target"), ("Các nhiệm vụ phục vụ mục tiêu này", "Served by")),
    "ipg:successor": (("Cơ quan kế nhiệm", "Successor"), ("Là cơ quan kế nhiệm của", "Successor of")),
    "ipg:recipient": (("Nơi nhận", "Recipient"), ("Có trong danh sách nơi nhận của", "Recipient of")),
    "ipg:targetGroup": (("Đối tượng của mục tiêu", "Target group"), ("Là đối tượng của", "In the target group of")),
    "ipg:indicator": (("Chỉ tiêu", "Indicator"), ("Là chỉ tiêu của", "Indicator of")),
    "ipg:onBehalfOf": (("Thay mặt", "On behalf of"), ("Được ký thay mặt trong", "Signed for in")),
    "ipg:trainingLevel": (("Mức đào tạo", "Training level"), ("Là mức đào tạo của", "Training level of")),
}


#: Standard classes by prefixed name, (vi, en): what kind of thing a resource is, for a reader.
STANDARD_CLASSES: dict[str, tuple[str, str]] = {
    "eli:LegalResource": ("Văn bản", "Legal document"),
    "eli:LegalResourceSubdivision": ("Phần của văn bản", "Part of a document"),
    "eli:Work": ("Văn bản", "Work"),
    "skos:Concept": ("Khái niệm", "Concept"),
    "skos:ConceptScheme": ("Danh mục khái niệm", "Concept scheme"),
    "org:Organization": ("Tổ chức", "Organisation"),
    "org:FormalOrganization": ("Cơ quan", "Formal organisation"),
    "org:ChangeEvent": ("Sự kiện thay đổi tổ chức", "Change of organisation"),
    "foaf:Person": ("Người", "Person"),
    "prov:Activity": ("Hoạt động", "Activity"),
    "prov:Entity": ("Thực thể", "Entity"),
    "prov:Agent": ("Tác nhân", "Agent"),
    "owl:Class": ("Lớp", "Class"),
    "cpov:PublicOrganisation": ("Cơ quan nhà nước", "Public organisation"),
    "foaf:Agent": ("Tác nhân", "Agent"),
    "foaf:Organization": ("Tổ chức", "Organisation"),
    "owl:ObjectProperty": ("Thuộc tính đối tượng", "Object property"),
    "owl:DatatypeProperty": ("Thuộc tính dữ liệu", "Datatype property"),
}
#: A class that says less than another the same resource has (the more specific one is named instead).
LESS_SPECIFIC = {"eli:LegalResource": "eli:LegalResourceSubdivision", "prov:Entity": "eli:LegalResource"}


def class_names(kinds: Iterable[str], labels: dict[str, dict[str, str]], lang: Language) -> list[str]:
    """What a resource is, from its types: ipgraph's own kinds by their labels, else the standard ones named in
    ``lang``; a type that a more specific one of the same resource implies is left out."""
    kinds = list(kinds)
    own = sorted(k for k in kinds if prefixed_name(k).startswith("ipg:"))
    if own:
        return sorted({pick_label(labels.get(k, {}), lang) or prefixed_name(k) for k in own})
    short = {prefixed_name(k) for k in kinds}
    kept = [k for k in short if LESS_SPECIFIC.get(k) not in short]
    index = 0 if lang == "vi" else 1
    return sorted({STANDARD_CLASSES[k][index] if k in STANDARD_CLASSES else k for k in kept})


@dataclass(frozen=True)
class PropertyName:
    """A property as a page names it, forwards and backwards."""

    forward: str
    backward: str


class PropertyNames:
    """Names for the properties of one page, looked up once in the store (the ontology's labels)."""

    def __init__(self, store: Store, properties: Iterable[URIRef], lang: Language) -> None:
        self.lang = lang
        own = [p for p in set(properties) if prefixed_name(str(p)) not in STANDARD_NAMES]
        self._labels = labels_from_triples(fetch_values(store, own, LABEL_PROPERTIES)) if own else {}

    def name(self, prop: URIRef) -> PropertyName | None:
        """The property's names in the page's language, ``None`` when it has none (its prefixed name is shown)."""
        index = 0 if self.lang == "vi" else 1
        standard = STANDARD_NAMES.get(prefixed_name(str(prop)))
        if standard is not None:
            return PropertyName(standard[0][index], standard[1][index])
        label = pick_label(self._labels.get(str(prop), {}), self.lang)
        if label is None:
            return None
        label = label[:1].upper() + label[1:]
        # Read backwards: the arrow says the link comes from the other resource, in either language.
        return PropertyName(label, "← " + label)
