"""The standard questionnaire (docs/domain.md §9): the city practice's seven dimensions with 32 items
and one overall question, scored 1–5. `services.questionnaire_standard_create` writes a copy that a
supervisor may then change. The texts are the questionnaire's content (as retailers read it), kept
in Chinese like the city's own forms."""

from __future__ import annotations

STANDARD_NAME = "零售客户满意度测评（标准问卷）"
STANDARD_INTRO = "感谢您参与本次满意度测评。您的回答不记名，客户经理只能看到至少5户的汇总结果。请按您的真实感受打分。"
OVERALL_QUESTION = "总体而言，您对烟草公司的服务满意吗？"

# (code, name, [(item text, "don't know" allowed)])
STANDARD_DIMENSIONS: list[tuple[str, str, list[tuple[str, bool]]]] = [
    ("supply", "卷烟供应", [
        ("货源供应能满足您的经营需要", False),
        ("卷烟品规结构符合您店的销售需求", False),
        ("货源投放公平、公开、透明", False),
        ("紧俏品规的分配合理", False),
        ("新品卷烟投放及时", False),
    ]),
    ("ordering", "订货服务", [
        ("订货方式（网上订货、电话订货）方便快捷", False),
        ("订货时间安排合理", False),
        ("订货平台上的价格、货源和政策信息及时准确", False),
        ("订货平台操作简单、运行稳定", False),
        ("订单确认和变更处理及时", False),
    ]),
    ("delivery", "送货服务", [
        ("送货准时", False),
        ("送货准确，品规和数量无差错", False),
        ("卷烟包装完好无损", False),
        ("送货人员服务态度好、着装规范", False),
        ("交接手续规范", False),
    ]),
    ("manager", "客户经理", [
        ("客户经理按时走访", False),
        ("客户经理服务态度热情", False),
        ("客户经理讲解政策、指导经营的能力强", False),
        ("客户经理帮助您提高经营水平和盈利", False),
        ("客户经理对您反映的问题反馈及时", False),
    ]),
    ("settlement", "货款结算", [
        ("结算方式方便", False),
        ("结算准确、无差错", False),
        ("结算过程安全可靠", False),
        ("结算问题处理及时", False),
    ]),
    ("complaints", "投诉服务", [
        ("投诉渠道畅通", True),
        ("投诉受理及时", True),
        ("投诉处理结果让您满意", True),
        ("投诉处理后有回访", True),
    ]),
    ("regulation", "专管员", [
        ("专管员执法公正、文明规范", False),
        ("专管员检查频次合理", False),
        ("专管员宣传法律法规到位", False),
        ("专管员帮助维护市场秩序", False),
    ]),
]  # fmt: skip
