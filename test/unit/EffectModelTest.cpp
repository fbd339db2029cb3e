// The effect algebra: hierarchy, this/parameter/local identity, unknown,
// conflicts, coverage and set normalisation (SPEC §2).
#include "kara/Analysis/Effect.h"

#include <gtest/gtest.h>

using kara::Effect;
using kara::EffectSet;
using kara::Target;

TEST(Target, ParsesQualifiedResourceNames) {
  EXPECT_EQ(Target::resource("DB::Users").Path,
            (std::vector<std::string>{"DB", "Users"}));
  EXPECT_EQ(Target::resource("::DB").Path, (std::vector<std::string>{"DB"}));
  EXPECT_EQ(Target::resource("DB::Users").str(), "DB::Users");
}

TEST(Target, HierarchyOverlapsByPrefix) {
  Target DB = Target::resource("DB"), Users = Target::resource("DB::Users"),
         Orders = Target::resource("DB::Orders");
  EXPECT_TRUE(DB.overlaps(Users));
  EXPECT_TRUE(Users.overlaps(DB));
  EXPECT_FALSE(Users.overlaps(Orders));
  EXPECT_TRUE(DB.contains(Users));
  EXPECT_FALSE(Users.contains(DB));
  // A shared prefix of names is not a path prefix.
  EXPECT_FALSE(Target::resource("DBX").overlaps(DB));
}

TEST(Target, ObjectsHaveIdentity) {
  int A = 0, B = 0;
  EXPECT_FALSE(Target::local(&A, "a").overlaps(Target::local(&B, "b")));
  EXPECT_TRUE(Target::local(&A, "a").overlaps(Target::local(&A, "a", {"x"})));
  EXPECT_FALSE(Target::param(0, "p").overlaps(Target::param(1, "q")));
  EXPECT_FALSE(Target::thisObject({"a"}).overlaps(Target::thisObject({"b"})));
  EXPECT_TRUE(Target::thisObject().overlaps(Target::thisObject({"b"})));
  EXPECT_FALSE(Target::thisObject().overlaps(Target::resource("this")));
}

TEST(Target, UnknownOverlapsEverything) {
  EXPECT_TRUE(Target::unknown().overlaps(Target::resource("X")));
  EXPECT_TRUE(Target::param(2, "p").overlaps(Target::unknown()));
  EXPECT_TRUE(Target::unknown().contains(Target::thisObject()));
  EXPECT_FALSE(Target::resource("X").contains(Target::unknown()));
}

TEST(Effect, ConflictNeedsAWrite) {
  Effect ReadUsers = Effect::read(Target::resource("DB::Users"));
  Effect WriteDB = Effect::write(Target::resource("DB"));
  Effect WriteOrders = Effect::write(Target::resource("DB::Orders"));
  EXPECT_FALSE(ReadUsers.conflictsWith(ReadUsers));
  EXPECT_TRUE(WriteDB.conflictsWith(ReadUsers));
  EXPECT_TRUE(ReadUsers.conflictsWith(WriteDB));
  EXPECT_FALSE(WriteOrders.conflictsWith(ReadUsers));
  EXPECT_TRUE(Effect::unknown().conflictsWith(ReadUsers));
  EXPECT_TRUE(Effect::read(Target::unknown())
                  .conflictsWith(Effect::write(Target::resource("Z"))));
}

TEST(Effect, WriteCoversReadOfChildNotTheReverse) {
  Effect WriteDB = Effect::write(Target::resource("DB"));
  Effect ReadUsers = Effect::read(Target::resource("DB::Users"));
  EXPECT_TRUE(WriteDB.covers(ReadUsers));
  EXPECT_TRUE(WriteDB.covers(Effect::write(Target::resource("DB::Users"))));
  EXPECT_FALSE(ReadUsers.covers(WriteDB));
  EXPECT_FALSE(Effect::read(Target::resource("DB"))
                   .covers(Effect::write(Target::resource("DB::Users"))));
  EXPECT_FALSE(WriteDB.covers(Effect::unknown()));
}

TEST(Effect, Spelling) {
  EXPECT_EQ(Effect::read(Target::resource("UserDB")).str(), "reads(UserDB)");
  EXPECT_EQ(Effect::write(Target::thisObject()).str(), "writes(this)");
  EXPECT_EQ(Effect::write(Target::thisObject({"cache"})).str(),
            "writes(this.cache)");
  EXPECT_EQ(Effect::read(Target::param(0, "id")).str(), "reads(id)");
  EXPECT_EQ(Effect::unknown().str(), "unknown");
}

TEST(EffectSet, NormalisesAndAbsorbs) {
  EffectSet S;
  EXPECT_TRUE(S.add(Effect::read(Target::resource("DB::Users"))));
  EXPECT_FALSE(S.add(Effect::read(Target::resource("DB::Users"))));
  EXPECT_TRUE(S.add(Effect::write(Target::resource("DB"))));
  // The write of DB absorbed the read of DB::Users.
  EXPECT_EQ(S.size(), 1u);
  EXPECT_FALSE(S.add(Effect::write(Target::resource("DB::Orders"))));
  EXPECT_EQ(S.str(), "{writes(DB)}");
}

TEST(EffectSet, ConflictsBetweenSets) {
  EffectSet Profile{Effect::read(Target::resource("UserDB"))};
  EffectSet Orders{Effect::read(Target::resource("OrderDB"))};
  EffectSet Save{Effect::write(Target::resource("UserDB"))};
  EXPECT_FALSE(Profile.conflictsWith(Orders));
  EXPECT_TRUE(Profile.conflictsWith(Save));
  auto Pair = Save.firstConflict(Profile);
  ASSERT_TRUE(Pair.has_value());
  EXPECT_EQ(Pair->first.str(), "writes(UserDB)");
  EXPECT_EQ(Pair->second.str(), "reads(UserDB)");
  EXPECT_TRUE(EffectSet{}.empty());
  EXPECT_FALSE(EffectSet{}.conflictsWith(EffectSet{Effect::unknown()}));
  EXPECT_TRUE(EffectSet{Effect::unknown()}.hasUnknown());
}

TEST(EffectSet, UnknownKeepsConcreteEffectsListed) {
  EffectSet S{Effect::unknown()};
  EXPECT_TRUE(S.add(Effect::write(Target::resource("UserDB"))));
  EXPECT_FALSE(S.add(Effect::unknown()));
  EXPECT_EQ(S.size(), 2u);
  EXPECT_TRUE(S.covers(Effect::write(Target::resource("Anything"))));
}

TEST(EffectSet, CoversIsUnionOfMembers) {
  EffectSet Declared{Effect::read(Target::resource("A")),
                     Effect::write(Target::thisObject())};
  EXPECT_TRUE(Declared.covers(Effect::read(Target::resource("A::B"))));
  EXPECT_TRUE(Declared.covers(Effect::read(Target::thisObject({"x"}))));
  EXPECT_FALSE(Declared.covers(Effect::write(Target::resource("A"))));
  EXPECT_FALSE(Declared.covers(Effect::unknown()));
}
