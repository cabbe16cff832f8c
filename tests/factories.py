from decimal import Decimal

import factory

from accounts.models import Role, User
from pricing.models import Product
from retailers.models import CountyBranch, MarketDepartment, Retailer


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345")
    role = Role.MANAGER
    is_staff = True


class BranchFactory(factory.django.DjangoModelFactory[CountyBranch]):
    class Meta:
        model = CountyBranch
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}区烟草专卖局(营销部)")
    short_name = factory.Sequence(lambda n: f"第{n}区")


class DepartmentFactory(factory.django.DjangoModelFactory[MarketDepartment]):
    class Meta:
        model = MarketDepartment

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"市场部{n}")


class RetailerFactory(factory.django.DjangoModelFactory[Retailer]):
    class Meta:
        model = Retailer

    customer_code = factory.Sequence(lambda n: f"C{n:08d}")
    license_no = factory.Sequence(lambda n: f"9{n:011d}")  # 12 digits, as a license number is
    name = factory.Sequence(lambda n: f"测试店{n}")
    branch = factory.SubFactory(BranchFactory)
    business_format = "Z"
    market_type = "urban"
    tier = 10


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"9{n:07d}")
    name = factory.Sequence(lambda n: f"品牌(规格{n})")
    wholesale_price = Decimal("100.00")
    retail_price = Decimal("115.00")
