"""Understanding a post, at index time: what each passage claims, advises, answers and risks.

    annotate.annotate_post(doc, text, records, vectors)   rules + embedding prototypes -> PostModel
    reviewed.apply_reviewed(model, files)                 a person's labels win, label by label
    model.PostModels                                      what the index version stores and serves

Everything here runs once per post when it is indexed (``index/build.py``); question time only
reads the stored model. Every label says where it came from (reviewed, rule, embedding) and how
sure it is; safety treats an unsure label as unsafe.
"""

from .model import ANNOTATOR, Deferral, Label, PostModel, PostModels, RecordModel

__all__ = ["ANNOTATOR", "Deferral", "Label", "PostModel", "PostModels", "RecordModel"]
