"""One planner per kind of workbook: from parsed rows to row outcomes and writes."""

from ..models import ImportKind


def planner_class(kind: str):
    from . import areas, branches, fees, member_ratings, members, officers, ratings, targets

    return {
        ImportKind.AREAS: areas.AreaPlanner,
        ImportKind.BRANCHES: branches.BranchPlanner,
        ImportKind.MEMBERS: members.MemberPlanner,
        ImportKind.TARGETS: targets.TargetPlanner,
        ImportKind.RATINGS: ratings.RatingPlanner,
        ImportKind.OFFICERS: officers.OfficerPlanner,
        ImportKind.MEMBER_RATINGS: member_ratings.MemberRatingPlanner,
        ImportKind.FEES: fees.FeePlanner,
    }[kind]
